import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, base, *, rngs: nnx.Rngs):
        same = ((1, 1), (1, 1))
        self.enc = nnx.Sequential(nnx.Conv(in_channels, base, (3, 3), padding=same, rngs=rngs), jax.nn.relu)
        self.mid = nnx.Sequential(nnx.Conv(base, 2 * base, (3, 3), padding=same, rngs=rngs), jax.nn.relu)
        # kernel 2, stride 2, padding 0: k - 1 - p = 1 on each side of the dilated input
        self.up = nnx.ConvTranspose(2 * base, base, (2, 2), strides=(2, 2), padding=((1, 1), (1, 1)), rngs=rngs)
        self.dec = nnx.Sequential(nnx.Conv(2 * base, base, (3, 3), padding=same, rngs=rngs), jax.nn.relu,
                                  nnx.Conv(base, 1, (1, 1), rngs=rngs))

    def __call__(self, x):
        x = jnp.transpose(x, (0, 2, 3, 1))
        skip = self.enc(x)
        h = self.up(self.mid(nnx.max_pool(skip, (2, 2), strides=(2, 2))))
        # channels are the last axis here, so the torch cat on dim 1 is a cat on axis -1
        y = self.dec(jnp.concatenate([h, skip], axis=-1))
        return jnp.transpose(y, (0, 3, 1, 2))
