import jax
import jax.numpy as jnp
from flax import nnx

temperature = 0.1


def _l2_normalize(v, axis, eps):
    norm = jnp.linalg.norm(v, ord=2, axis=axis, keepdims=True)
    return v / jnp.maximum(norm, eps)


class Model(nnx.Module):
    def __init__(self, in_features, embed_dim, num_prototypes, *, rngs: nnx.Rngs):
        self.proj = nnx.Linear(in_features, embed_dim, use_bias=False, rngs=rngs)
        self.prototypes = nnx.Param(jax.random.normal(rngs.params(), (num_prototypes, embed_dim)))

    def __call__(self, x):
        z = _l2_normalize(self.proj(x), 1, 1e-8)
        protos = _l2_normalize(self.prototypes[...], -1, 1e-12)
        logits = (z @ protos.T) / temperature
        return jax.nn.softmax(logits, axis=-1)
