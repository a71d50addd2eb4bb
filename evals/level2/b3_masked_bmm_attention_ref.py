import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, dim, attn_dim, *, rngs: nnx.Rngs):
        self.q_proj = nnx.Linear(dim, attn_dim, use_bias=False, rngs=rngs)
        self.k_proj = nnx.Linear(dim, attn_dim, use_bias=False, rngs=rngs)
        self.v_proj = nnx.Linear(dim, dim, rngs=rngs)
        self.scale = attn_dim ** -0.5

    def __call__(self, x, valid):
        q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        scores = jnp.einsum("btd,bsd->bts", q, k) * self.scale
        scores = jnp.where(valid[:, None, :], scores, -1e9)
        weights = jax.nn.softmax(scores, axis=-1)
        return jnp.einsum("bts,bsd->btd", weights, v)
