import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (5, 5), padding="VALID", rngs=rngs)

    def __call__(self, x):
        h = self.conv(jnp.transpose(x, (0, 2, 3, 1)))
        h = nnx.max_pool(h, (2, 2), strides=(2, 2))
        return jnp.transpose(jnp.clip(h, -1.0, 1.0), (0, 3, 1, 2))
