import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, factor, pooled, *, rngs: nnx.Rngs):
        self.factor = factor
        self.pooled = pooled
        self.conv = nnx.Conv(in_channels * factor ** 2, 2 * out_channels, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs)

    def __call__(self, x):
        b, c, h, w = x.shape
        r = self.factor
        # pixel_unshuffle: output channel index is c * r * r + i * r + j
        x = x.reshape(b, c, h // r, r, w // r, r).transpose(0, 1, 3, 5, 2, 4).reshape(b, c * r * r, h // r, w // r)
        y = self.conv(jnp.transpose(x, (0, 2, 3, 1)))
        a, g = jnp.split(y, 2, axis=-1)
        y = a * jax.nn.sigmoid(g)
        hh, ww = y.shape[1], y.shape[2]
        p = self.pooled  # the sizes divide evenly, so adaptive pooling is a plain average pool
        y = y.reshape(b, p, hh // p, p, ww // p, y.shape[-1]).mean(axis=(2, 4))
        return jnp.transpose(y, (0, 3, 1, 2))
