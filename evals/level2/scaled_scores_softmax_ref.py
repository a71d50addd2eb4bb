import math

import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, head_dim, *, rngs: nnx.Rngs):
        self.scale = 1.0 / math.sqrt(head_dim)

    def __call__(self, q, k):
        scores = jnp.matmul(q, jnp.swapaxes(k, -2, -1)) * self.scale
        return jax.nn.softmax(scores, axis=-1)
