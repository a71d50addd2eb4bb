"""Flax NNX translation of never_called.py."""
import jax
import jax.numpy as jnp
from flax import nnx


class Encoder(nnx.Module):
    def __init__(self, d_in, d_hidden, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(d_in, d_hidden, rngs=rngs)
        self.norm = nnx.LayerNorm(d_hidden, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        return jax.nn.relu(self.norm(self.fc(x)))


def pairwise_distances(a, b):
    return jnp.sqrt(jnp.maximum(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1), 0.0))
