import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x, y):
        diff = x[:, :, None, :] - y[:, None, :, :]
        return jnp.sqrt(jnp.sum(diff * diff, axis=-1))
