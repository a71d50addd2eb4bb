import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, queries, keys):
        diff = queries[:, :, None, :] - keys[:, None, :, :]
        return jnp.sqrt(jnp.sum(diff * diff, axis=-1))
