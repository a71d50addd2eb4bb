import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        # flax pads max_pool with -inf, as torch does, so negative inputs are safe
        y = nnx.max_pool(jnp.transpose(x, (0, 2, 3, 1)), (3, 3), strides=(2, 2), padding=((1, 1), (1, 1)))
        return jnp.transpose(y, (0, 3, 1, 2))
