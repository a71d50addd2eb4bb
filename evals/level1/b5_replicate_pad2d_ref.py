import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        # F.pad lists the last axis first
        return jnp.pad(x, ((0, 0), (0, 0), (2, 0), (1, 3)), mode="edge")
