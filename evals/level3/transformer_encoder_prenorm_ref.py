import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, d_model, n_heads, d_ff, *, rngs: nnx.Rngs):
        self.n_heads = n_heads
        self.ln1 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.qkv = nnx.Linear(d_model, 3 * d_model, rngs=rngs)
        self.proj = nnx.Linear(d_model, d_model, rngs=rngs)
        self.ln2 = nnx.LayerNorm(d_model, epsilon=1e-5, rngs=rngs)
        self.ff1 = nnx.Linear(d_model, d_ff, rngs=rngs)
        self.ff2 = nnx.Linear(d_ff, d_model, rngs=rngs)

    def __call__(self, x):
        b, t, d = x.shape
        hd = d // self.n_heads
        q, k, v = jnp.split(self.qkv(self.ln1(x)), 3, axis=-1)
        q, k, v = (jnp.swapaxes(a.reshape(b, t, self.n_heads, hd), 1, 2) for a in (q, k, v))
        att = (q @ jnp.swapaxes(k, -2, -1)) / (hd ** 0.5)
        mask = jnp.triu(jnp.ones((t, t), dtype=bool), k=1)
        att = jax.nn.softmax(jnp.where(mask, -jnp.inf, att), axis=-1)
        y = jnp.swapaxes(att @ v, 1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.ff2(jax.nn.gelu(self.ff1(self.ln2(x)), approximate=False))
