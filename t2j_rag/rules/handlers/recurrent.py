"""Recurrent layers: nn.LSTM / nn.GRU / nn.RNN and nn.LSTMCell / GRUCell / RNNCell constructors.

Each becomes a runtime helper (`TorchRecurrent`, `TorchLSTMCell`...) that keeps PyTorch's signature
and return values and holds its parameters where the weight converter puts them, so the call sites
(`out, (h, c) = self.lstm(x)`) are left as they are (notes seq-lstm-gate-layout,
seq-rnn-time-major-default).

The trade-off: options with no counterpart in the converter's layout (LSTM `proj_size`, a
nonlinearity other than tanh / relu) are reported at translation time instead of failing later
inside the helper.
"""

from __future__ import annotations

import ast

from ..registry import RNGS, bind, call, need, register, require_literal

NN = "torch.nn."
_DROP = ("device", "dtype")
_COMMON = ["input_size", "hidden_size", "num_layers"]
_TAIL = ["bias", "batch_first", "dropout", "bidirectional"]


def _recurrent(kind: str, api: str, params: list[str]):
    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords, drop=_DROP)
        if kind == "lstm":
            require_literal(api, b, "proj_size", (0,), "seq-lstm-gate-layout")
            b.pop("proj_size", None)
        if kind == "rnn":
            require_literal(api, b, "nonlinearity", ("tanh", "relu"), "seq-rnn-time-major-default")
        need(tr, "TorchRecurrent")
        return call("TorchRecurrent", ast.Constant(kind), **b, **RNGS)
    return handler


def _cell(helper: str, api: str, params: list[str]):
    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords, drop=_DROP)
        if "nonlinearity" in b:
            require_literal(api, b, "nonlinearity", ("tanh", "relu"), "seq-rnn-time-major-default")
        need(tr, helper)
        return call(helper, **b, **RNGS)
    return handler


register(NN + "LSTM")(_recurrent("lstm", NN + "LSTM", _COMMON + _TAIL + ["proj_size"]))
register(NN + "GRU")(_recurrent("gru", NN + "GRU", _COMMON + _TAIL))
register(NN + "RNN")(_recurrent("rnn", NN + "RNN", _COMMON + ["nonlinearity"] + _TAIL))
register(NN + "LSTMCell")(_cell("TorchLSTMCell", NN + "LSTMCell", ["input_size", "hidden_size", "bias"]))
register(NN + "GRUCell")(_cell("TorchGRUCell", NN + "GRUCell", ["input_size", "hidden_size", "bias"]))
register(NN + "RNNCell")(_cell("TorchRNNCell", NN + "RNNCell", ["input_size", "hidden_size", "bias", "nonlinearity"]))
