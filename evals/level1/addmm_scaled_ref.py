import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_features, out_features, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jax.random.normal(rngs.params(), (in_features, out_features)) / in_features ** 0.5)
        self.bias = nnx.Param(jax.random.normal(rngs.params(), (out_features,)))

    def __call__(self, x):
        return 0.5 * self.bias[...] + 2.0 * (x @ self.weight[...])
