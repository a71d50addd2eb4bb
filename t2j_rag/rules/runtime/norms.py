"""Normalisation with PyTorch's channel axis and defaults: GroupNorm / InstanceNorm layers on
channels-first data, the functional group / instance / batch / layer / RMS norms with explicit
parameters, F.normalize and local response norm.

The trade-off: the layers subclass the Flax layer (so weights load as `scale` / `bias`) and move the
channel axis at the boundary; the functional forms compute the statistics directly in jax.numpy,
because their parameters arrive as arrays rather than as module state.
"""

import jax
import jax.numpy as jnp
from flax import nnx

from .shapes import t2j_tuple


class GroupNormNCHW(nnx.GroupNorm):
    """nn.GroupNorm / nn.InstanceNorm on channels-first data (Flax groups the last axis)."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, *, rngs: nnx.Rngs):
        super().__init__(num_channels, num_groups=num_groups, epsilon=eps, use_bias=affine, use_scale=affine,
                         rngs=rngs)

    def __call__(self, x):
        return jnp.moveaxis(super().__call__(jnp.moveaxis(x, 1, -1)), -1, 1)


def t2j_channel_affine(y, weight=None, bias=None):
    """Per-channel scale and shift on channels-first data: (C,) vectors broadcast along axis 1."""
    shape = (1, -1) + (1,) * (y.ndim - 2)
    if weight is not None:
        y = y * jnp.reshape(weight, shape)
    return y if bias is None else y + jnp.reshape(bias, shape)


def t2j_group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """F.group_norm on (N, C, *) data: statistics over each group's channels and all positions."""
    g = x.reshape((x.shape[0], num_groups, -1))
    mean = jnp.mean(g, axis=-1, keepdims=True)
    var = jnp.var(g, axis=-1, keepdims=True)
    y = ((g - mean) / jnp.sqrt(var + eps)).reshape(x.shape)
    return t2j_channel_affine(y, weight, bias)


def t2j_instance_norm(x, weight=None, bias=None, eps=1e-5):
    """F.instance_norm with use_input_stats=True: each (sample, channel) over its positions."""
    axes = tuple(range(2, x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.var(x, axis=axes, keepdims=True)
    return t2j_channel_affine((x - mean) / jnp.sqrt(var + eps), weight, bias)


def t2j_batch_norm(x, running_mean, running_var, weight=None, bias=None, eps=1e-5):
    """F.batch_norm with training=False: the given running statistics, channel axis 1."""
    shape = (1, -1) + (1,) * (x.ndim - 2)
    y = (x - jnp.reshape(running_mean, shape)) / jnp.sqrt(jnp.reshape(running_var, shape) + eps)
    return t2j_channel_affine(y, weight, bias)


def t2j_layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """F.layer_norm over the trailing len(normalized_shape) axes (biased variance)."""
    axes = tuple(range(x.ndim - len(t2j_tuple(normalized_shape, 1)), x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.var(x, axis=axes, keepdims=True)
    y = (x - mean) / jnp.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    return y if bias is None else y + bias


def t2j_normalize(x, p=2.0, axis=1, eps=1e-12):
    """F.normalize: divide by max(norm, eps)."""
    norm = jnp.linalg.vector_norm(x, ord=p, axis=axis, keepdims=True)
    return x / jnp.maximum(norm, eps)


def t2j_rms_norm(x, normalized_shape, weight=None, eps=None):
    """F.rms_norm over the trailing len(normalized_shape) axes; eps=None is the dtype's machine epsilon."""
    n = len(t2j_tuple(normalized_shape, 1))
    eps = jnp.finfo(x.dtype).eps if eps is None else eps
    axes = tuple(range(x.ndim - n, x.ndim))
    y = x * jax.lax.rsqrt(jnp.mean(x * x, axis=axes, keepdims=True) + eps)
    return y if weight is None else y * weight


class RMSNormTorch(nnx.Module):
    """nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True). The weight is called `scale`, the
    name the weight converter gives RMSNorm's `weight` (as for nnx.RMSNorm), shaped normalized_shape."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, *, rngs: nnx.Rngs = None):
        self.normalized_shape = t2j_tuple(normalized_shape, 1)
        self.eps = eps
        self.scale = nnx.Param(jnp.ones(self.normalized_shape)) if elementwise_affine else None

    def __call__(self, x):
        w = None if self.scale is None else self.scale[...]
        return t2j_rms_norm(x, self.normalized_shape, w, self.eps)


def t2j_local_response_norm(x, size, alpha=1e-4, beta=0.75, k=1.0):
    """F.local_response_norm: x / (k + alpha * mean of x^2 over a window of `size` channels)^beta, the
    window zero-padded (size // 2 before, (size - 1) // 2 after) and always divided by `size`."""
    sq = jnp.pad(x * x, ((0, 0), (size // 2, (size - 1) // 2)) + ((0, 0),) * (x.ndim - 2))
    window = (1, size) + (1,) * (x.ndim - 2)
    total = jax.lax.reduce_window(sq, 0.0, jax.lax.add, window, (1,) * x.ndim, "VALID")
    return x / (total / size * alpha + k) ** beta
