import jax.numpy as jnp
from flax import nnx


class PReLU(nnx.Module):
    """One learnable negative slope shared by all channels, stored as `weight` like torch."""

    def __init__(self, init=0.25):
        self.weight = nnx.Param(jnp.full((1,), init, jnp.float32))

    def __call__(self, x):
        return jnp.where(x >= 0, x, self.weight[...] * x)


class Model(nnx.Module):
    def __init__(self, channels, upscale, *, rngs: nnx.Rngs):
        self.upscale = upscale
        self.expand = nnx.Conv(channels, channels * upscale * upscale, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs)
        self.act = PReLU(0.2)

    def __call__(self, x):
        y = jnp.transpose(self.expand(jnp.transpose(x, (0, 2, 3, 1))), (0, 3, 1, 2))
        n, c, h, w = y.shape
        r = self.upscale
        y = jnp.transpose(y.reshape(n, c // (r * r), r, r, h, w), (0, 1, 4, 2, 5, 3))
        return self.act(y.reshape(n, c // (r * r), h * r, w * r))
