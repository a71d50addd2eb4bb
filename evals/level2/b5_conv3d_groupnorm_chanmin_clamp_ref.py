import jax.numpy as jnp
from flax import nnx

clamp_lo = -0.3
clamp_hi = 0.8


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, num_groups, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (3, 3, 3), padding=((1, 1), (0, 0), (0, 0)), rngs=rngs)
        self.gn = nnx.GroupNorm(out_channels, num_groups=num_groups, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        h = self.gn(self.conv(jnp.transpose(x, (0, 2, 3, 4, 1))))
        h = jnp.min(h, axis=-1, keepdims=True)
        h = jnp.clip(h, clamp_lo, clamp_hi)
        return jnp.transpose(h, (0, 4, 1, 2, 3))
