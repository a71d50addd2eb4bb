import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, dim, hidden, *, rngs: nnx.Rngs):
        self.norm = nnx.RMSNorm(dim, epsilon=1e-6, rngs=rngs)
        self.gate = nnx.Linear(dim, hidden, use_bias=False, rngs=rngs)
        self.up = nnx.Linear(dim, hidden, use_bias=False, rngs=rngs)
        self.down = nnx.Linear(hidden, dim, use_bias=False, rngs=rngs)
        self.drop = nnx.Dropout(0.1, rngs=rngs)

    def __call__(self, x):
        h = self.norm(x)
        h = jax.nn.gelu(self.gate(h), approximate=False) * self.up(h)
        return x + self.drop(self.down(h))
