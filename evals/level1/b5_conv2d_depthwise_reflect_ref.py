import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, channels, *, rngs: nnx.Rngs):
        self.dw = nnx.Conv(channels, channels, (3, 3), padding="VALID", feature_group_count=channels, rngs=rngs)

    def __call__(self, x):
        x = jnp.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="reflect")
        y = self.dw(jnp.transpose(x, (0, 2, 3, 1)))
        return jnp.transpose(y, (0, 3, 1, 2))
