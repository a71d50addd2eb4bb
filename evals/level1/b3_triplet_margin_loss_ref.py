import jax.numpy as jnp
from flax import nnx


def _pairwise_distance(a, b, eps=1e-6):
    # torch adds eps to the difference before taking the norm
    return jnp.sqrt(jnp.sum((a - b + eps) ** 2, axis=-1))


class Model(nnx.Module):
    def __init__(self, margin, *, rngs: nnx.Rngs):
        self.margin = margin

    def __call__(self, anchor, positive, negative):
        d_pos = _pairwise_distance(anchor, positive)
        d_neg = _pairwise_distance(anchor, negative)
        # swap=True: use the harder of anchor-negative and positive-negative
        d_neg = jnp.minimum(d_neg, _pairwise_distance(positive, negative))
        return jnp.mean(jnp.maximum(self.margin + d_pos - d_neg, 0.0))
