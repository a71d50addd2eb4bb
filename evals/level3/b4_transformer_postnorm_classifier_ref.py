import math

import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, vocab_size, max_len, d_model, nhead, dim_feedforward, num_classes, *, rngs: nnx.Rngs):
        self.d_model = d_model
        self.embed = nnx.Embed(vocab_size, d_model, rngs=rngs)
        self.pos_embed = nnx.Param(jax.random.normal(rngs.params(), (1, max_len, d_model)) * 0.02)
        self.self_attn = nnx.MultiHeadAttention(num_heads=nhead, in_features=d_model, dropout_rate=0.1,
                                                decode=False, rngs=rngs)
        self.norm1 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.ffn = nnx.Sequential(
            nnx.Linear(d_model, dim_feedforward, rngs=rngs),
            jax.nn.relu,
            nnx.Dropout(0.1, rngs=rngs),
            nnx.Linear(dim_feedforward, d_model, rngs=rngs),
        )
        self.norm2 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.classifier = nnx.Linear(d_model, num_classes, rngs=rngs)

    def __call__(self, tokens):
        pad_mask = tokens == 0
        t = tokens.shape[1]
        x = self.embed(tokens) * math.sqrt(self.d_model) + self.pos_embed[:, :t]
        # flax masks are True where attention is allowed: (batch, heads, q, k)
        attend = jnp.broadcast_to((~pad_mask)[:, None, None, :], (tokens.shape[0], 1, t, t))
        x = self.norm1(x + self.self_attn(x, mask=attend, deterministic=True))
        x = self.norm2(x + self.ffn(x))
        keep = (~pad_mask)[..., None].astype(x.dtype)
        pooled = jnp.sum(x * keep, axis=1) / jnp.maximum(jnp.sum(keep, axis=1), 1.0)
        return self.classifier(pooled)
