"""Recurrent layers with PyTorch's arguments, inputs and outputs: nn.LSTM / nn.GRU / nn.RNN and
their cells.

`out, (h_n, c_n) = lstm(x)` keeps working while the parameters sit where the weight converter
puts them: a recurrent layer is an `nnx.List` of one `nnx.RNN(cell)` (or `nnx.Bidirectional`) per
layer. Notes: seq-lstm-carry-order, seq-lstm-gate-layout, seq-gru-hidden-bias,
seq-rnn-time-major-default.

The trade-off: the helpers subclass the Flax containers and step through the layers in Python
(one `nnx.RNN` scan per layer and direction) instead of fusing them, which is slower to trace for
deep stacks but keeps every parameter where a user of Flax would look for it.
"""

import jax
import jax.numpy as jnp
from flax import nnx


class TorchRecurrent(nnx.List):
    """nn.LSTM / nn.GRU / nn.RNN with PyTorch's arguments, inputs and outputs.

    The list holds one nnx.RNN(cell) per layer (nnx.Bidirectional of two for bidirectional=True).
    The flax LSTM carry is (c, h) where PyTorch's state is (h, c); GRU gets a biased dense_h
    because PyTorch applies r to (W_hn h + b_hn).
    """

    def __init__(self, kind, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, nonlinearity="tanh", *, rngs: nnx.Rngs):
        dirs = 2 if bidirectional else 1

        def run(n_in):
            if kind == "lstm":
                cell = nnx.LSTMCell(n_in, hidden_size, rngs=rngs)
            elif kind == "gru":
                cell = nnx.GRUCell(n_in, hidden_size, rngs=rngs)
                cell.dense_h = nnx.Linear(hidden_size, 3 * hidden_size, use_bias=True, rngs=rngs)
            else:
                act = jax.nn.relu if nonlinearity == "relu" else jnp.tanh
                cell = nnx.SimpleCell(n_in, hidden_size, activation_fn=act, rngs=rngs)
            return nnx.RNN(cell, return_carry=True)

        layers = []
        for i in range(num_layers):
            n_in = input_size if i == 0 else hidden_size * dirs
            layers.append(nnx.Bidirectional(run(n_in), run(n_in), return_carry=True) if bidirectional
                          else run(n_in))
        super().__init__(layers)
        self.kind, self.hidden_size, self.batch_first, self.dirs = kind, hidden_size, batch_first, dirs
        self.between = nnx.Dropout(dropout, rngs=rngs)  # PyTorch drops out between layers, not after the last

    def __call__(self, x, hx=None):
        lstm = self.kind == "lstm"
        unbatched = x.ndim == 2
        if unbatched:
            x = x[:, None] if not self.batch_first else x[None]
            if hx is not None:
                hx = tuple(h[:, None] for h in hx) if lstm else hx[:, None]
        if self.batch_first:
            x = jnp.swapaxes(x, 0, 1)  # scan over time-major data
        zeros = jnp.zeros((len(self) * self.dirs, x.shape[1], self.hidden_size), x.dtype)
        h0, c0 = (hx if hx is not None else (zeros, zeros)) if lstm else (hx if hx is not None else zeros, None)
        hs, cs = [], []
        for i, layer in enumerate(self):
            runs = [layer.forward_rnn, layer.backward_rnn] if self.dirs == 2 else [layer]
            outs = []
            for d, rnn in enumerate(runs):
                k = i * self.dirs + d
                carry = (c0[k], h0[k]) if lstm else h0[k]
                carry, y = rnn(x, initial_carry=carry, time_major=True, reverse=d == 1, keep_order=True,
                               return_carry=True)
                if lstm:
                    cs.append(carry[0])
                    carry = carry[1]
                hs.append(carry)
                outs.append(y)
            x = outs[0] if self.dirs == 1 else jnp.concatenate(outs, axis=-1)
            if i < len(self) - 1:
                x = self.between(x)
        if self.batch_first:
            x = jnp.swapaxes(x, 0, 1)
        h_n = jnp.stack(hs)
        c_n = jnp.stack(cs) if lstm else None
        if unbatched:
            x = x[:, 0] if not self.batch_first else x[0]
            h_n = h_n[:, 0]
            c_n = c_n[:, 0] if lstm else None
        return (x, (h_n, c_n)) if lstm else (x, h_n)


class TorchLSTMCell(nnx.LSTMCell):
    """nn.LSTMCell: cell(x, (h, c)) -> (h, c); flax's LSTMCell takes and returns (c, h)."""

    def __init__(self, input_size, hidden_size, bias=True, *, rngs: nnx.Rngs):
        super().__init__(input_size, hidden_size, rngs=rngs)

    def __call__(self, x, hx=None):
        if hx is None:
            hx = (jnp.zeros(x.shape[:-1] + (self.hidden_features,), x.dtype),) * 2
        (c, h), _ = super().__call__((hx[1], hx[0]), x)
        return h, c


class TorchGRUCell(nnx.GRUCell):
    """nn.GRUCell: cell(x, h) -> h, with a biased dense_h (PyTorch applies r to W_hn h + b_hn)."""

    def __init__(self, input_size, hidden_size, bias=True, *, rngs: nnx.Rngs):
        super().__init__(input_size, hidden_size, rngs=rngs)
        self.dense_h = nnx.Linear(hidden_size, 3 * hidden_size, use_bias=True, rngs=rngs)

    def __call__(self, x, hx=None):
        if hx is None:
            hx = jnp.zeros(x.shape[:-1] + (self.hidden_features,), x.dtype)
        return super().__call__(hx, x)[0]


class TorchRNNCell(nnx.SimpleCell):
    """nn.RNNCell: cell(x, h) -> h."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", *, rngs: nnx.Rngs):
        act = jax.nn.relu if nonlinearity == "relu" else jnp.tanh
        super().__init__(input_size, hidden_size, activation_fn=act, rngs=rngs)

    def __call__(self, x, hx=None):
        if hx is None:
            hx = jnp.zeros(x.shape[:-1] + (self.hidden_features,), x.dtype)
        return super().__call__(hx, x)[0]
