import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, d_model, n_heads, d_ff, *, rngs: nnx.Rngs):
        self.self_attn = nnx.MultiHeadAttention(n_heads, d_model, dropout_rate=0.1, decode=False, rngs=rngs)
        self.cross_attn = nnx.MultiHeadAttention(n_heads, d_model, dropout_rate=0.1, decode=False, rngs=rngs)
        self.norm1 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.norm2 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.norm3 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.ffn = nnx.Sequential(
            nnx.Linear(d_model, d_ff, rngs=rngs),
            jax.nn.relu,
            nnx.Dropout(0.1, rngs=rngs),
            nnx.Linear(d_ff, d_model, rngs=rngs),
        )

    def __call__(self, tgt, memory, memory_pad):
        # nnx attention is batch-major and its masks say where attending is allowed
        x = jnp.swapaxes(tgt, 0, 1)
        mem = jnp.swapaxes(memory, 0, 1)
        t = x.shape[1]
        causal = jnp.tril(jnp.ones((t, t), dtype=bool))[None, None]
        x = self.norm1(x + self.self_attn(x, x, x, mask=causal))
        keep = (~memory_pad)[:, None, None, :]
        x = self.norm2(x + self.cross_attn(x, mem, mem, mask=keep))
        x = self.norm3(x + self.ffn(x))
        return jnp.swapaxes(x, 0, 1)
