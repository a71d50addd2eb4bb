import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, cols, *, rngs: nnx.Rngs):
        self.bias = nnx.Param(jax.random.normal(rngs.params(), (cols,)) * 0.1)

    def __call__(self, a, b):
        out = jnp.matmul(a, b) + self.bias[...]
        return jax.nn.logsumexp(out, axis=2)
