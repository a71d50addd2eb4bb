import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, groups, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs)
        self.norm = nnx.GroupNorm(out_channels, num_groups=groups, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        h = self.norm(self.conv(jnp.transpose(x, (0, 2, 3, 1))))
        h = h * jnp.tanh(jax.nn.softplus(h))
        return jnp.transpose(h, (0, 3, 1, 2))
