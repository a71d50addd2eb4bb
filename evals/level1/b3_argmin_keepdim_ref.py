import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, distances):
        return jnp.argmin(distances, axis=1, keepdims=True)
