import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, dim, hidden, p, *, rngs: nnx.Rngs):
        self.up = nnx.Linear(dim, hidden, rngs=rngs)
        self.down = nnx.Linear(hidden, dim, rngs=rngs)
        self.drop = nnx.Dropout(p, rngs=rngs)

    def __call__(self, x):
        h = self.drop(jax.nn.gelu(self.up(x), approximate=False))
        return x + self.down(h)
