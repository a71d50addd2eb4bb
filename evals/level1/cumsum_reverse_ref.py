import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, rewards):
        return jnp.flip(jnp.cumsum(jnp.flip(rewards, axis=1), axis=1), axis=1)
