import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, top_channels, lateral_channels, *, rngs: nnx.Rngs):
        self.lateral = nnx.Conv(lateral_channels, top_channels, (1, 1), rngs=rngs)
        self.smooth = nnx.Conv(top_channels, top_channels, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs)

    def __call__(self, top, fine):
        top = jnp.transpose(top, (0, 2, 3, 1))
        fine = jnp.transpose(fine, (0, 2, 3, 1))
        up = jnp.repeat(jnp.repeat(top, 2, axis=1), 2, axis=2)
        merged = jax.nn.relu6(up + self.lateral(fine))
        return jnp.transpose(self.smooth(merged), (0, 3, 1, 2))
