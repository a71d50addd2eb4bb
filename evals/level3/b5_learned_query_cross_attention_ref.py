import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, feature_dim, embed_dim, num_heads, num_queries, num_classes, *, rngs: nnx.Rngs):
        self.queries = nnx.Param(jax.random.normal(rngs.params(), (1, num_queries, embed_dim)) * 0.5)
        self.cross_attn = nnx.MultiHeadAttention(num_heads=num_heads, in_features=embed_dim,
                                                 in_kv_features=feature_dim, dropout_rate=0.1,
                                                 decode=False, rngs=rngs)
        self.norm = nnx.LayerNorm(embed_dim, epsilon=1e-5, rngs=rngs)
        self.ffn = nnx.Sequential(
            nnx.Linear(embed_dim, 2 * embed_dim, rngs=rngs),
            lambda v: jax.nn.gelu(v, approximate=False),
            nnx.Linear(2 * embed_dim, embed_dim, rngs=rngs),
        )
        self.head = nnx.Linear(num_queries * embed_dim, num_classes, rngs=rngs)

    def __call__(self, features, lengths):
        b, t, _ = features.shape
        valid = jnp.arange(t)[None, :] < lengths[:, None]  # True = key may be attended
        q = jnp.broadcast_to(self.queries[...], (b,) + self.queries.shape[1:])
        attended = self.cross_attn(q, features, features, mask=valid[:, None, None, :])
        latents = self.norm(q + attended)
        latents = latents + self.ffn(latents)
        return self.head(latents.reshape(b, -1))
