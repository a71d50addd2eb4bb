import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_features, out_features, scale, *, rngs: nnx.Rngs):
        # stored in the PyTorch (out, in) layout under the same names
        self.weight = nnx.Param(jax.random.normal(rngs.params(), (out_features, in_features)) / in_features ** 0.5)
        self.bias = nnx.Param(jnp.zeros((out_features,)))
        self.scale = scale

    def __call__(self, x):
        h = x @ self.weight[...].T + self.bias[...]
        h = jax.nn.gelu(h * self.scale, approximate=True)
        return jax.nn.logsumexp(h, axis=1, keepdims=True)
