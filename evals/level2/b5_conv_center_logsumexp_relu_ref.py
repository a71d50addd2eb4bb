import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (5, 5), padding="VALID", rngs=rngs)

    def __call__(self, x):
        h = self.conv(jnp.transpose(x, (0, 2, 3, 1)))
        h = h - h.mean(axis=(1, 2), keepdims=True)
        h = jax.nn.logsumexp(h, axis=-1, keepdims=True)
        return jnp.transpose(jax.nn.relu(h), (0, 3, 1, 2))
