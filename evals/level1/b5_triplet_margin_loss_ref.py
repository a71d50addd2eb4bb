import jax.numpy as jnp
from flax import nnx


def _dist(a, b, eps=1e-6):
    # torch's pairwise distance adds eps to the difference before the norm
    return jnp.sqrt(jnp.sum((a - b + eps) ** 2, axis=-1))


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.margin = 0.5

    def __call__(self, anchor, positive, negative):
        gap = _dist(anchor, positive) - _dist(anchor, negative) + self.margin
        return jnp.mean(jnp.maximum(gap, 0.0))
