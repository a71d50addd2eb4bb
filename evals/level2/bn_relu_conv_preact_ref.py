import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.bn = nnx.BatchNorm(in_channels, epsilon=1e-5, momentum=0.9, rngs=rngs)
        self.conv = nnx.Conv(in_channels, out_channels, (3, 3), strides=(2, 2), padding=((1, 1), (1, 1)), rngs=rngs)

    def __call__(self, x):
        h = self.conv(jax.nn.relu(self.bn(jnp.transpose(x, (0, 2, 3, 1)))))
        return jnp.transpose(h, (0, 3, 1, 2))
