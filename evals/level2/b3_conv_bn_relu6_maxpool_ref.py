import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (5, 5), padding=((2, 2), (2, 2)), use_bias=False, rngs=rngs)
        # torch momentum 0.01 -> flax momentum 0.99
        self.bn = nnx.BatchNorm(out_channels, momentum=0.99, epsilon=1e-3, rngs=rngs)

    def __call__(self, x):
        h = self.bn(self.conv(jnp.transpose(x, (0, 2, 3, 1))))
        h = jnp.clip(h, 0.0, 6.0)
        h = nnx.max_pool(h, (3, 3), strides=(2, 2), padding=((1, 1), (1, 1)))
        return jnp.transpose(h, (0, 3, 1, 2))
