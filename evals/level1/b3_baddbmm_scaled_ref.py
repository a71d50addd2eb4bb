import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, bias, a, b):
        return 0.5 * bias + 0.25 * jnp.matmul(a, b)
