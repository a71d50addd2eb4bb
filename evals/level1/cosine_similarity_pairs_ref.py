import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.eps = 1e-6

    def __call__(self, a, b):
        na = jnp.maximum(jnp.linalg.norm(a, axis=1), self.eps)
        nb = jnp.maximum(jnp.linalg.norm(b, axis=1), self.eps)
        return jnp.sum(a * b, axis=1) / (na * nb)
