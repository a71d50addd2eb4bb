import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (3, 3), strides=(2, 2), padding=((1, 1), (1, 1)),
                             use_bias=False, rngs=rngs)
        self.bn = nnx.BatchNorm(out_channels, epsilon=1e-3, momentum=0.97, rngs=rngs)

    def __call__(self, x):
        h = self.bn(self.conv(jnp.transpose(x, (0, 2, 3, 1))))
        h = jax.nn.hard_swish(h)
        return jnp.max(h, axis=(1, 2))
