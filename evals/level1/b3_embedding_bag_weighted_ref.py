import jax
import jax.numpy as jnp
from flax import nnx


class EmbeddingBag(nnx.Module):
    """Holds the table under the PyTorch name `weight` so the converter copies it as is."""

    def __init__(self, num_embeddings, embedding_dim, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jax.random.normal(rngs.params(), (num_embeddings, embedding_dim)))

    def __call__(self, ids, per_sample_weights):
        rows = jnp.take(self.weight[...], ids, axis=0)          # (B, L, D)
        return jnp.sum(rows * per_sample_weights[..., None], axis=1)


class Model(nnx.Module):
    def __init__(self, num_embeddings, embedding_dim, *, rngs: nnx.Rngs):
        self.bag = EmbeddingBag(num_embeddings, embedding_dim, rngs=rngs)

    def __call__(self, ids, weights):
        return self.bag(ids, weights)
