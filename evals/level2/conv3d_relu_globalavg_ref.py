import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (3, 3, 3), padding=((1, 1),) * 3, rngs=rngs)

    def __call__(self, x):
        h = jax.nn.relu(self.conv(jnp.transpose(x, (0, 2, 3, 4, 1))))
        return h.mean(axis=(1, 2, 3))
