import jax
import jax.numpy as jnp
from flax import nnx


class BiasedGRUCell(nnx.GRUCell):
    """torch.nn.GRU has a bias inside r * (W_hn h + b_hn); the stock cell's dense_h has none."""

    def __init__(self, in_features, hidden_features, *, rngs: nnx.Rngs):
        super().__init__(in_features, hidden_features, rngs=rngs)
        self.dense_h = nnx.Linear(hidden_features, 3 * hidden_features, use_bias=True, rngs=rngs)


class Model(nnx.Module):
    def __init__(self, channels, hidden_size, *, rngs: nnx.Rngs):
        self.frontend = nnx.Conv(channels, hidden_size, (5,), padding=((2, 2),), rngs=rngs)
        self.rnn = nnx.List([nnx.RNN(BiasedGRUCell(hidden_size, hidden_size, rngs=rngs))])
        self.readout = nnx.Linear(hidden_size, channels, rngs=rngs)

    def __call__(self, signal):
        # the conv already works on (N, L, C), which is the GRU's batch-first layout
        feats = jax.nn.relu(self.frontend(jnp.transpose(signal, (0, 2, 1))))
        states = self.rnn[0](feats)
        return signal + jnp.transpose(self.readout(states), (0, 2, 1))
