import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (7,), strides=(2,), padding=((3, 3),), rngs=rngs)
        self.bn = nnx.BatchNorm(out_channels, epsilon=1e-5, momentum=0.9, rngs=rngs)

    def __call__(self, x):
        h = self.bn(self.conv(jnp.swapaxes(x, 1, 2)))
        return jnp.swapaxes(jax.nn.leaky_relu(h, negative_slope=0.2), 1, 2)
