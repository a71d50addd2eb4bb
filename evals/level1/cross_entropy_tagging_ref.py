import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, logits, tags):
        # torch puts classes on axis 1 for (N, C, L) inputs
        logp = jax.nn.log_softmax(logits, axis=1)
        picked = jnp.take_along_axis(logp, tags[:, None, :], axis=1)
        return -jnp.sum(picked)
