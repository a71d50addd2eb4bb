import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.dead = 0.25
        self.limit = 1.5

    def __call__(self, x):
        clipped = jnp.clip(x, -self.limit, self.limit)
        return jnp.where(jnp.abs(x) < self.dead, jnp.zeros_like(x), clipped)
