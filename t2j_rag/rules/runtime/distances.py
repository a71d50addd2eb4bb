"""PyTorch's distances: F.pairwise_distance, F.cosine_similarity, torch.cdist and F.pdist
(note rules-distances).

The trade-off: where PyTorch's arithmetic differs from the textbook formula (eps added to the
difference in pairwise_distance, each norm clamped separately in cosine_similarity) the helper
follows PyTorch, so results match to float precision rather than to the documentation.
"""

import jax.numpy as jnp


def t2j_pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """F.pairwise_distance: the p-norm of (x1 - x2 + eps) over the last axis (eps is added to the
    difference, not to the norm)."""
    return jnp.linalg.vector_norm(x1 - x2 + eps, ord=p, axis=-1, keepdims=keepdim)


def t2j_cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """F.cosine_similarity as PyTorch computes it now: each input divided by its own norm clamped at eps,
    then the dot product (not x1.x2 / max(|x1| |x2|, eps) as the docs' formula reads)."""
    x1, x2 = jnp.broadcast_arrays(x1, x2)
    n1 = jnp.maximum(jnp.linalg.vector_norm(x1, axis=dim, keepdims=True), eps)
    n2 = jnp.maximum(jnp.linalg.vector_norm(x2, axis=dim, keepdims=True), eps)
    return jnp.sum((x1 / n1) * (x2 / n2), axis=dim)


def t2j_cdist(x1, x2, p=2.0):
    """torch.cdist: p-norm distances between the rows of (..., P, M) and (..., R, M) -> (..., P, R),
    from the differences directly (PyTorch's matmul shortcut for p=2 only changes rounding)."""
    return jnp.linalg.vector_norm(x1[..., :, None, :] - x2[..., None, :, :], ord=p, axis=-1)


def t2j_pdist(input, p=2.0):
    """F.pdist: p-norm distances between the rows of (N, M), pairs i < j in row-major order."""
    i, j = jnp.triu_indices(input.shape[0], k=1)
    return jnp.linalg.vector_norm(input[i] - input[j], ord=p, axis=-1)
