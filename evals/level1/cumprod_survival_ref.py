import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, hazard):
        return jnp.cumprod(1.0 - hazard, axis=-1)
