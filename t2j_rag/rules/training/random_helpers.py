"""Runtime helpers for random draws whose torch form has no one-line jax.random counterpart.

Most torch draws map to one `jax.random` call with a key from the program's stream (`rngs()`),
written inline by `random.py`. Sampling category indices from unnormalised weights, with or
without replacement and for one or many rows, takes a few lines, so it is a helper pasted into
the translation.

The trade-off: the helper draws from the same distribution as torch.multinomial, not the same
numbers, and it cannot raise torch's error for asking more samples without replacement than
there are non-zero weights (the shapes must stay static under jit); it then returns indices of
zero-weight categories after all the others.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def t2j_multinomial(key, weights, num_samples, replacement=False):
    """torch.multinomial: num_samples category indices for each row of non-negative weights.

    With replacement: independent jax.random.categorical draws on log weights. Without: the
    Gumbel top-k trick (the k largest log w + Gumbel noise are a draw without replacement).
    t2j_multinomial(key, jnp.array([0.0, 1.0, 3.0]), 2) -> [2, 1] or [1, 2], never index 0.
    Weights of shape (rows, categories) give indices of shape (rows, num_samples).
    """
    logits = jnp.log(jnp.asarray(weights, dtype=jnp.float32))
    if replacement:
        draws = jax.random.categorical(key, logits, axis=-1, shape=(num_samples,) + logits.shape[:-1])
        return jnp.moveaxis(draws, 0, -1)
    return jax.lax.top_k(logits + jax.random.gumbel(key, logits.shape), num_samples)[1]
