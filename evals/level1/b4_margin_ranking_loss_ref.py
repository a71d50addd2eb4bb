import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.margin = 0.2

    def __call__(self, score_a, score_b, target):
        return jnp.mean(jax.nn.relu(-target * (score_a - score_b) + self.margin))
