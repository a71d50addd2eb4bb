import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        values = jax.lax.cummax(x, axis=1)
        # a step sets a new running maximum exactly where it equals the running value;
        # the index of the latest such step is a running max over step numbers
        steps = jnp.arange(x.shape[1])[None, :, None]
        marks = jnp.where(x >= values, steps, 0)
        return values, jax.lax.cummax(marks, axis=1)
