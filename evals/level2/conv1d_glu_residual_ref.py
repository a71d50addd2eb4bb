import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, channels, kernel, *, rngs: nnx.Rngs):
        p = kernel // 2
        self.conv = nnx.Conv(channels, 2 * channels, (kernel,), padding=((p, p),), rngs=rngs)

    def __call__(self, x):
        h = self.conv(jnp.transpose(x, (0, 2, 1)))
        # GLU: first half of the channels times sigmoid of the second half
        a, b = jnp.split(h, 2, axis=-1)
        return (x + jnp.transpose(a * jax.nn.sigmoid(b), (0, 2, 1))) * 0.5 ** 0.5
