import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_features, out_features, *, rngs: nnx.Rngs):
        self.dense = nnx.Linear(in_features, out_features, rngs=rngs)
        self.norm = nnx.LayerNorm(out_features, epsilon=1e-5, rngs=rngs)

    def __call__(self, features):
        return jax.nn.relu(self.norm(self.dense(features)))
