import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_features, out_features, num_groups, *, rngs: nnx.Rngs):
        self.gemm = nnx.Linear(in_features, out_features, rngs=rngs)
        self.group_norm = nnx.GroupNorm(out_features, num_groups=num_groups, epsilon=1e-4, rngs=rngs)

    def __call__(self, x):
        x = self.gemm(x)
        x = self.group_norm(x)
        x = jax.nn.hard_swish(x)
        return jnp.mean(x, axis=1, keepdims=True)
