import math

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx


class PositionalEncoding(nnx.Module):
    def __init__(self, d_model, max_len, dropout=0.1, *, rngs: nnx.Rngs):
        self.dropout = nnx.Dropout(dropout, rngs=rngs)
        position = np.arange(max_len, dtype=np.float32)[:, None]
        div_term = np.exp(np.arange(0, d_model, 2, dtype=np.float32) * (-math.log(10000.0) / d_model))
        pe = np.zeros((max_len, d_model), np.float32)
        pe[:, 0::2] = np.sin(position * div_term)
        pe[:, 1::2] = np.cos(position * div_term)
        self.pe = nnx.Variable(jnp.asarray(pe)[None])

    def __call__(self, x):
        return self.dropout(x + self.pe[...][:, : x.shape[1]])


class EncoderLayer(nnx.Module):
    """Post-norm encoder layer with the attribute names of nn.TransformerEncoderLayer."""

    def __init__(self, d_model, nhead, dim_feedforward, dropout, *, rngs: nnx.Rngs):
        self.self_attn = nnx.MultiHeadAttention(num_heads=nhead, in_features=d_model, decode=False, rngs=rngs)
        self.linear1 = nnx.Linear(d_model, dim_feedforward, rngs=rngs)
        self.dropout = nnx.Dropout(dropout, rngs=rngs)
        self.linear2 = nnx.Linear(dim_feedforward, d_model, rngs=rngs)
        self.norm1 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.norm2 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)

    def __call__(self, x, mask):
        x = self.norm1(x + self.self_attn(x, mask=mask))
        ff = self.linear2(self.dropout(jax.nn.gelu(self.linear1(x), approximate=False)))
        return self.norm2(x + ff)


class Encoder(nnx.Module):
    def __init__(self, num_layers, *args, rngs: nnx.Rngs):
        self.layers = nnx.List([EncoderLayer(*args, rngs=rngs) for _ in range(num_layers)])

    def __call__(self, x, mask):
        for layer in self.layers:
            x = layer(x, mask)
        return x


class Model(nnx.Module):
    def __init__(self, vocab_size, d_model, nhead, dim_feedforward, num_layers, max_len, *, rngs: nnx.Rngs):
        self.d_model = d_model
        self.embed = nnx.Embed(vocab_size, d_model, rngs=rngs)
        self.pos_encoder = PositionalEncoding(d_model, max_len, rngs=rngs)
        self.encoder = Encoder(num_layers, d_model, nhead, dim_feedforward, 0.1, rngs=rngs)
        self.decoder = nnx.Linear(d_model, vocab_size, rngs=rngs)

    def __call__(self, src):
        t = src.shape[1]
        mask = jnp.tril(jnp.ones((t, t), dtype=bool))[None, None]  # True = may attend
        x = self.embed(src) * math.sqrt(self.d_model)
        x = self.pos_encoder(x)
        x = self.encoder(x, mask)
        return self.decoder(x)
