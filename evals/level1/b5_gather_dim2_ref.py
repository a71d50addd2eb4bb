import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x, idx):
        return jnp.take_along_axis(x, idx, axis=2)
