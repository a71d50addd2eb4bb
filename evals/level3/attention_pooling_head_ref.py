import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, embed_dim, num_heads, num_classes, *, rngs: nnx.Rngs):
        self.query = nnx.Param(jax.random.normal(rngs.params(), (1, 1, embed_dim)) * 0.02)
        self.attn = nnx.MultiHeadAttention(num_heads, embed_dim, decode=False, rngs=rngs)
        self.norm = nnx.LayerNorm(embed_dim, epsilon=1e-5, rngs=rngs)
        self.classifier = nnx.Linear(embed_dim, num_classes, rngs=rngs)

    def __call__(self, tokens):
        q = jnp.broadcast_to(self.query[...], (tokens.shape[0], 1, tokens.shape[-1]))
        pooled = self.attn(q, tokens, tokens)
        return self.classifier(self.norm(pooled[:, 0]))
