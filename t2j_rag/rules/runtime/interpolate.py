"""F.interpolate / nn.Upsample in modes nearest, linear, bilinear and trilinear, with
PyTorch's source-index arithmetic.

The trade-off: one spatial axis at a time with gathers, following PyTorch's CPU kernels in float32
(including the 1 / scale_factor rule), instead of `jax.image.resize`, whose sampling grid differs.
"""

import jax.numpy as jnp
from flax import nnx

from .shapes import t2j_tuple


def t2j_interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None,
                    recompute_scale_factor=None):
    """F.interpolate on (N, C, *spatial) data, one spatial axis at a time. Source indices follow
    PyTorch's CPU kernels in float32: nearest is floor(dst * scale); linear maps dst to
    (dst + 0.5) * scale - 0.5 (clamped at 0), or dst * (in - 1) / (out - 1) with align_corners.
    A given scale_factor is used as 1 / scale_factor, not in / out."""
    nd = x.ndim - 2
    for j in range(nd):
        axis, n_in = 2 + j, x.shape[2 + j]
        if size is not None:
            n_out, inv = t2j_tuple(size, nd)[j], None
        else:
            s = t2j_tuple(scale_factor, nd)[j]
            n_out = int((n_in * s) // 1)
            inv = None if recompute_scale_factor else 1.0 / s
        scale = jnp.float32(inv) if inv is not None else jnp.float32(n_in) / jnp.float32(n_out)
        dst = jnp.arange(n_out, dtype=jnp.float32)
        if mode == "nearest":
            if n_out == n_in:
                continue
            x = jnp.take(x, jnp.minimum(jnp.floor(dst * scale).astype(jnp.int32), n_in - 1), axis=axis)
            continue
        if align_corners:
            scale = jnp.float32(n_in - 1) / jnp.float32(n_out - 1) if n_out > 1 else jnp.float32(0)
            src = dst * scale
        else:
            src = jnp.maximum(scale * (dst + 0.5) - 0.5, 0.0)
        i0 = jnp.minimum(jnp.floor(src).astype(jnp.int32), n_in - 1)
        i1 = jnp.minimum(i0 + 1, n_in - 1)
        lam = jnp.clip(src - i0, 0.0, 1.0).reshape((-1,) + (1,) * (x.ndim - axis - 1)).astype(x.dtype)
        x = jnp.take(x, i0, axis=axis) * (1 - lam) + jnp.take(x, i1, axis=axis) * lam
    return x


class UpsampleNCHW(nnx.Module):
    """nn.Upsample as a parameter-free module (keeps nn.Sequential positions)."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        self.config = (size, scale_factor, mode, align_corners, recompute_scale_factor)

    def __call__(self, x):
        return t2j_interpolate(x, *self.config)
