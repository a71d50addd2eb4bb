import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (3, 3, 3), padding=((1, 1), (0, 0), (0, 0)), rngs=rngs)

    def __call__(self, x):
        x = self.conv(jnp.transpose(x, (0, 2, 3, 4, 1)))
        x = jax.nn.softmax(x, axis=-1)
        x = nnx.max_pool(x, window_shape=(2, 2, 2), strides=(2, 2, 2))
        x = x - jnp.mean(x, axis=(1, 2, 3), keepdims=True)
        return jnp.transpose(x, (0, 4, 1, 2, 3))
