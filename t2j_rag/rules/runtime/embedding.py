"""F.embedding_bag and nn.EmbeddingBag: bags cut from a 2-d input or at offsets, reduced by sum,
mean or max, with padding_idx left out.

The trade-off: bags are segments reduced with `jax.ops.segment_*`, which keeps shapes static for jit
at the price of a few more lines than a Python loop over bags.
"""

import jax
import jax.numpy as jnp
from flax import nnx


def t2j_embedding_bag(input, weight, offsets=None, mode="mean", per_sample_weights=None,
                      include_last_offset=False, padding_idx=None):
    """F.embedding_bag: reduce the rows weight[input] of each bag (sum / mean / max). A 2-d input has one
    bag per row; a 1-d input is cut at `offsets`. Entries equal to padding_idx are left out (also from the
    mean's count); an empty bag gives zeros. per_sample_weights scale rows (mode 'sum' only)."""
    if input.ndim == 2:
        bags = input.shape[0]
        seg = jnp.repeat(jnp.arange(bags), input.shape[1])
        idx = input.reshape(-1)
    else:
        bags = offsets.shape[0] - 1 if include_last_offset else offsets.shape[0]
        idx = input
        seg = jnp.searchsorted(offsets[:bags], jnp.arange(idx.shape[0]), side="right") - 1
        if include_last_offset:  # entries at or after the last offset belong to no bag
            seg = jnp.where(jnp.arange(idx.shape[0]) < offsets[bags], seg, bags)
    rows = jnp.take(weight, idx, axis=0)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1)[:, None]
    keep = jnp.ones(idx.shape, bool) if padding_idx is None else idx != (padding_idx % weight.shape[0])
    count = jax.ops.segment_sum(keep.astype(weight.dtype), seg, num_segments=bags)[:, None]
    if mode == "max":
        big = jax.ops.segment_max(jnp.where(keep[:, None], rows, -jnp.inf), seg, num_segments=bags)
        return jnp.where(count > 0, big, 0.0).astype(weight.dtype)
    total = jax.ops.segment_sum(jnp.where(keep[:, None], rows, 0.0), seg, num_segments=bags)
    return total if mode == "sum" else total / jnp.maximum(count, 1.0)


class EmbeddingBagTorch(nnx.Module):
    """nn.EmbeddingBag: the table is an nnx.Param named `weight` (num_embeddings, embedding_dim), N(0, 1)
    init with the padding row zeroed, as in PyTorch; forward(input, offsets=None, per_sample_weights=None)."""

    def __init__(self, num_embeddings, embedding_dim, mode="mean", include_last_offset=False, padding_idx=None,
                 *, rngs: nnx.Rngs):
        table = jax.random.normal(rngs.params(), (num_embeddings, embedding_dim))
        if padding_idx is not None:
            table = table.at[padding_idx].set(0.0)
        self.weight = nnx.Param(table)
        self.mode, self.include_last_offset, self.padding_idx = mode, include_last_offset, padding_idx

    def __call__(self, input, offsets=None, per_sample_weights=None):
        return t2j_embedding_bag(input, self.weight[...], offsets, self.mode, per_sample_weights,
                                 self.include_last_offset, self.padding_idx)
