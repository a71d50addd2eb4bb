import jax
import jax.numpy as jnp
from flax import nnx


class EmbeddingBag(nnx.Module):
    def __init__(self, num_embeddings, embed_dim, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(jax.random.normal(rngs.params(), (num_embeddings, embed_dim)))

    def __call__(self, tokens, offsets):
        # bag id of each token: how many offsets are <= its position, minus one
        seg = jnp.searchsorted(offsets, jnp.arange(tokens.shape[0]), side="right") - 1
        rows = jnp.take(self.weight[...], tokens, axis=0)
        return jax.ops.segment_sum(rows, seg, num_segments=offsets.shape[0])


class Model(nnx.Module):
    def __init__(self, num_embeddings, embed_dim, *, rngs: nnx.Rngs):
        self.bag = EmbeddingBag(num_embeddings, embed_dim, rngs=rngs)

    def __call__(self, tokens, offsets):
        return self.bag(tokens, offsets)
