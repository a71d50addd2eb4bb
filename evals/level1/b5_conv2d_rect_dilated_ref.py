import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (3, 5), strides=(1, 2), padding=((2, 2), (4, 4)),
                             kernel_dilation=(2, 2), use_bias=False, rngs=rngs)

    def __call__(self, x):
        y = self.conv(jnp.transpose(x, (0, 2, 3, 1)))
        return jnp.transpose(y, (0, 3, 1, 2))
