import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, skip_channels, out_channels, *, rngs: nnx.Rngs):
        # torch padding p on a transposed conv = k - 1 - p on each side of the dilated input
        self.up = nnx.ConvTranspose(in_channels, out_channels, (4,), strides=(2,), padding=((2, 2),), rngs=rngs)
        self.bn = nnx.BatchNorm(out_channels, momentum=0.9, epsilon=1e-5, rngs=rngs)
        self.skip_proj = nnx.Conv(skip_channels, out_channels, (1,), rngs=rngs)

    def __call__(self, x, skip):
        y = jax.nn.silu(self.bn(self.up(jnp.transpose(x, (0, 2, 1)))))
        y = y + self.skip_proj(jnp.transpose(skip, (0, 2, 1)))
        return jnp.transpose(y, (0, 2, 1))
