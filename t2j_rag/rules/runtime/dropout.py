"""Dropout that follows the module's mode: functional dropout with training=self.training, and
AlphaDropout / FeatureAlphaDropout as modules with their own key stream.

The trade-off: randomness needs an explicit key in JAX, so these draw from the module's 'dropout'
stream (as nnx.Dropout does); the masks have PyTorch's distribution, not its numbers.
"""

import jax
import jax.numpy as jnp
from flax import nnx


def t2j_dropout(x, p, training, rngs, channels=False):
    """F.dropout(x, p, training=self.training): identity in eval; in training a fresh mask from the
    module's key stream, scaled by 1 / (1 - p). channels=True drops whole channels (dropout1d/2d/3d)."""
    if not training or p == 0:
        return x
    shape = x.shape[:2] + (1,) * (x.ndim - 2) if channels else x.shape
    keep = jax.random.bernoulli(rngs.dropout(), 1.0 - p, shape)
    return jnp.where(keep, x / (1.0 - p), 0.0)


class AlphaDropoutTorch(nnx.Module):
    """nn.AlphaDropout / nn.FeatureAlphaDropout: identity in eval. In training dropped units are set to
    SELU's negative saturation a' = -1.7580993408473766 and the result is affinely corrected to keep mean
    and variance; the feature variant drops whole channels (mask broadcast over axes 2...)."""

    def __init__(self, p=0.5, inplace=False, *, feature=False, rngs: nnx.Rngs):
        self.p, self.feature = p, feature
        self.deterministic = False
        self.rngs = rngs["dropout"].fork()

    def __call__(self, x):
        if self.deterministic or self.p == 0:
            return x
        alpha = -1.7580993408473766
        shape = x.shape[:2] + (1,) * (x.ndim - 2) if self.feature else x.shape
        keep = jax.random.bernoulli(self.rngs(), 1.0 - self.p, shape)
        a = ((1.0 - self.p) * (1.0 + self.p * alpha ** 2)) ** -0.5
        b = -a * alpha * self.p
        return jnp.where(keep, x, alpha) * a + b
