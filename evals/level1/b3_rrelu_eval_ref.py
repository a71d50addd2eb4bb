import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, lower, upper, *, rngs: nnx.Rngs):
        self.slope = (lower + upper) / 2.0

    def __call__(self, x):
        return jax.nn.leaky_relu(x, negative_slope=self.slope)
