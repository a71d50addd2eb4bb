import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        # torch.var defaults to Bessel's correction; jnp.var to none
        return jnp.var(x, axis=(2, 3), ddof=1)
