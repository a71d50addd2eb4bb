import math

import jax
import jax.numpy as jnp
from flax import nnx


class EncoderLayer(nnx.Module):
    """Post-norm layer with nn.TransformerEncoderLayer's attribute names (dropouts are no-ops in eval)."""

    def __init__(self, d_model, n_heads, d_ff, *, rngs: nnx.Rngs):
        self.self_attn = nnx.MultiHeadAttention(n_heads, d_model, decode=False, rngs=rngs)
        self.linear1 = nnx.Linear(d_model, d_ff, rngs=rngs)
        self.linear2 = nnx.Linear(d_ff, d_model, rngs=rngs)
        self.norm1 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.norm2 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        x = self.norm1(x + self.self_attn(x, x, x))
        return self.norm2(x + self.linear2(jax.nn.gelu(self.linear1(x), approximate=False)))


class Encoder(nnx.Module):
    def __init__(self, d_model, n_heads, d_ff, num_layers, *, rngs: nnx.Rngs):
        self.layers = nnx.List([EncoderLayer(d_model, n_heads, d_ff, rngs=rngs) for _ in range(num_layers)])
        self.norm = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


class Model(nnx.Module):
    def __init__(self, vocab_size, d_model, n_heads, d_ff, num_layers, num_classes, *, rngs: nnx.Rngs):
        self.d_model = d_model
        self.embed = nnx.Embed(vocab_size, d_model, rngs=rngs)
        self.pos = nnx.Param(jnp.zeros((1, 64, d_model)))
        self.encoder = Encoder(d_model, n_heads, d_ff, num_layers, rngs=rngs)
        self.head = nnx.Linear(d_model, num_classes, rngs=rngs)

    def __call__(self, tokens):
        x = self.embed(tokens) * math.sqrt(self.d_model) + self.pos[:, : tokens.shape[1]]
        x = self.encoder(x)
        return self.head(x.mean(axis=1))
