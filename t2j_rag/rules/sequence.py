"""Recurrent layers, multi-head attention and transformer encoder layers (module constructors).

`nn.LSTM`/`nn.GRU`/`nn.RNN` (and their cells), `nn.MultiheadAttention`,
`nn.TransformerEncoderLayer`/`DecoderLayer` and `nn.TransformerEncoder`/`Decoder` become the helper
classes in `runtime_sequence.py`, which keep PyTorch's signatures and return
values and hold their parameters where the weight converter puts them. The
call sites (`out, (h, c) = self.lstm(x)`) are left as they are.

The trade-off: options whose PyTorch semantics have no counterpart in the
converter's layout (LSTM `proj_size`, attention `add_bias_kv`/`add_zero_attn`,
different key and value widths, a callable activation) are reported
untranslated at translation time instead of failing later in the helper.
"""

from __future__ import annotations

import ast


from .calls import _MISSING, literal
from .context import Unsupported
from .expressions import call, jexpr
from .layers import LAYER_HANDLERS, RNGS
from .special import HANDLERS, _bind, _need

NN = "torch.nn."
_DROP = ("device", "dtype")


def _require(api: str, b: dict, name: str, allowed, note: str) -> None:
    """Keep `name` only if it is a literal in `allowed`; otherwise the layer is untranslated."""
    if name not in b:
        return
    value = literal(b[name])
    if value is _MISSING or value not in allowed:
        raise Unsupported(api, f"{name}={ast.unparse(b[name])} is not handled (note {note})")


def _recurrent(kind: str, api: str, params: list[str]):
    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords, drop=_DROP)
        if kind == "lstm":
            _require(api, b, "proj_size", (0,), "seq-lstm-gate-layout")
            b.pop("proj_size", None)
        if kind == "rnn":
            _require(api, b, "nonlinearity", ("tanh", "relu"), "seq-rnn-time-major-default")
        _need(tr, "TorchRecurrent")
        return call("TorchRecurrent", ast.Constant(kind), **b, **RNGS)
    return handler


_COMMON = ["input_size", "hidden_size", "num_layers"]
_TAIL = ["bias", "batch_first", "dropout", "bidirectional"]
LAYER_HANDLERS[NN + "LSTM"] = _recurrent("lstm", NN + "LSTM", _COMMON + _TAIL + ["proj_size"])
LAYER_HANDLERS[NN + "GRU"] = _recurrent("gru", NN + "GRU", _COMMON + _TAIL)
LAYER_HANDLERS[NN + "RNN"] = _recurrent("rnn", NN + "RNN", _COMMON + ["nonlinearity"] + _TAIL)


def _cell(helper: str, api: str, params: list[str]):
    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords, drop=_DROP)
        if "nonlinearity" in b:
            _require(api, b, "nonlinearity", ("tanh", "relu"), "seq-rnn-time-major-default")
        _need(tr, helper)
        return call(helper, **b, **RNGS)
    return handler


LAYER_HANDLERS[NN + "LSTMCell"] = _cell("TorchLSTMCell", NN + "LSTMCell", ["input_size", "hidden_size", "bias"])
LAYER_HANDLERS[NN + "GRUCell"] = _cell("TorchGRUCell", NN + "GRUCell", ["input_size", "hidden_size", "bias"])
LAYER_HANDLERS[NN + "RNNCell"] = _cell("TorchRNNCell", NN + "RNNCell",
                                       ["input_size", "hidden_size", "bias", "nonlinearity"])


def _attention(tr, args, keywords):
    api = NN + "MultiheadAttention"
    b = _bind(api, ["embed_dim", "num_heads", "dropout", "bias", "add_bias_kv", "add_zero_attn", "kdim", "vdim",
                    "batch_first"], args, keywords, drop=_DROP)
    _require(api, b, "add_bias_kv", (False,), "seq-nnx-mha-decode-weights")
    _require(api, b, "add_zero_attn", (False,), "seq-nnx-mha-decode-weights")
    if ast.unparse(b.get("kdim", ast.Constant(None))) != ast.unparse(b.get("vdim", ast.Constant(None))):
        raise Unsupported(api, "different kdim and vdim: nnx.MultiHeadAttention has one key/value input width "
                               "(note seq-nnx-mha-decode-weights)")
    _need(tr, "TorchMultiheadAttention")
    return call("TorchMultiheadAttention", **b, **RNGS)


def _transformer_layer(kind: str):
    api, helper = NN + f"Transformer{kind}Layer", f"TorchTransformer{kind}Layer"

    def handler(tr, args, keywords):
        b = _bind(api, ["d_model", "nhead", "dim_feedforward", "dropout", "activation", "layer_norm_eps",
                        "batch_first", "norm_first", "bias"], args, keywords, drop=_DROP)
        _require(api, b, "activation", ("relu", "gelu"), "seq-transformer-encoder-layer-defaults")
        _need(tr, helper)
        return call(helper, **b, **RNGS)
    return handler


def _stack(kind: str):
    api, helper = NN + f"Transformer{kind}", f"TorchTransformer{kind}"
    params = ([f"{kind.lower()}_layer", "num_layers", "norm"]
              + (["enable_nested_tensor", "mask_check"] if kind == "Encoder" else []))

    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords, drop=_DROP)
        _need(tr, helper)
        return call(helper, **b)
    return handler


LAYER_HANDLERS[NN + "MultiheadAttention"] = _attention
for _kind in ("Encoder", "Decoder"):
    LAYER_HANDLERS[f"{NN}Transformer{_kind}Layer"] = _transformer_layer(_kind)
    LAYER_HANDLERS[f"{NN}Transformer{_kind}"] = _stack(_kind)


def _square_subsequent_mask(tr, args, keywords):
    """nn.Transformer.generate_square_subsequent_mask(sz): 0 on and below the diagonal, -inf above
    (note seq-attn-mask-bool-conventions); `device`/`dtype` place it, float32 is the default."""
    api = NN + "Transformer.generate_square_subsequent_mask"
    b = _bind(api, ["sz", "device", "dtype"], args, keywords, drop=("device",))
    size = ast.Tuple(elts=[b["sz"], b["sz"]], ctx=ast.Load())
    full = call("jnp.full", size, jexpr("-jnp.inf"), dtype=b.get("dtype", jexpr("jnp.float32")))
    return call("jnp.triu", full, k=ast.Constant(1))


HANDLERS[NN + "Transformer.generate_square_subsequent_mask"] = _square_subsequent_mask
