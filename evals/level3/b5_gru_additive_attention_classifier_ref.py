import jax
import jax.numpy as jnp
from flax import nnx


class TorchGRUCell(nnx.GRUCell):
    """GRU cell whose hidden projection carries torch's b_hn (applied inside r * (...))."""

    def __init__(self, in_features, hidden_features, *, rngs: nnx.Rngs):
        super().__init__(in_features, hidden_features, rngs=rngs)
        self.dense_h = nnx.Linear(hidden_features, 3 * hidden_features, use_bias=True, rngs=rngs)


class Model(nnx.Module):
    def __init__(self, input_size, hidden_size, attn_dim, num_layers, num_classes, *, rngs: nnx.Rngs):
        self.rnn = nnx.List([
            nnx.RNN(TorchGRUCell(input_size if i == 0 else hidden_size, hidden_size, rngs=rngs), return_carry=True)
            for i in range(num_layers)
        ])
        self.attn_proj = nnx.Linear(hidden_size, attn_dim, rngs=rngs)
        self.attn_v = nnx.Linear(attn_dim, 1, use_bias=False, rngs=rngs)
        self.out = nnx.Linear(hidden_size, num_classes, rngs=rngs)

    def __call__(self, x):
        # batch-major scan; inter-layer dropout is off in eval mode
        h = x
        last = None
        for layer in self.rnn:
            last, h = layer(h)
        outputs = h
        scores = self.attn_v(jnp.tanh(self.attn_proj(outputs)))[..., 0]
        weights = jax.nn.softmax(scores, axis=1)
        context = jnp.einsum("bt,bth->bh", weights, outputs)
        return self.out(context + last)
