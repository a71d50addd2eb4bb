import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, kernel_size, *, rngs: nnx.Rngs):
        p = kernel_size // 2
        self.conv = nnx.Conv(in_channels, out_channels, (kernel_size, kernel_size), strides=(2, 2),
                             padding=((p, p), (p, p)), rngs=rngs)

    def __call__(self, x):
        y = self.conv(jnp.transpose(x, (0, 2, 3, 1)))
        return jnp.transpose(y, (0, 3, 1, 2))
