import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (3,), padding=((2, 2),), kernel_dilation=(2,), rngs=rngs)

    def __call__(self, x):
        y = self.conv(jnp.transpose(x, (0, 2, 1)))
        y = jax.nn.gelu(y, approximate=True)
        # max_pool1d pads with -inf
        y = nnx.max_pool(y, window_shape=(3,), strides=(2,), padding=((1, 1),))
        return jnp.transpose(y.sum(axis=2, keepdims=True), (0, 2, 1))
