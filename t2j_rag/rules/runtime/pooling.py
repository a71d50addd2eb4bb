"""PyTorch's pooling arithmetic: max/avg pooling with ceil_mode and count_include_pad, adaptive
pooling windows, LP pooling, and the parameter-free modules that keep nn.Sequential positions.

The trade-off: pooling runs on channels-first data with `jax.lax.reduce_window` over the last axes,
so no transposes are needed, at the cost of spelling out PyTorch's output-size rules (the last
window must start inside the input or its left padding) instead of calling `nnx.max_pool`.
"""

import jax
import jax.numpy as jnp
from flax import nnx

from .shapes import t2j_tuple


def t2j_pool(x, kind, ndim, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
             count_include_pad=True, divisor_override=None):
    """PyTorch max/avg pooling over the last `ndim` axes (channels-first data, no transposes needed)."""
    k = t2j_tuple(kernel_size, ndim)
    s = t2j_tuple(kernel_size if stride is None else stride, ndim)
    p, d = t2j_tuple(padding, ndim), t2j_tuple(dilation, ndim)
    lead = x.ndim - ndim
    extra = []
    for size, ki, si, pi, di in zip(x.shape[lead:], k, s, p, d):
        span = di * (ki - 1) + 1
        if ceil_mode:
            out = -(-(size + 2 * pi - span) // si) + 1
            if (out - 1) * si >= size + pi:  # the last window must start inside the input or left padding
                out -= 1
        else:
            out = (size + 2 * pi - span) // si + 1
        extra.append(max(0, (out - 1) * si + span - (size + 2 * pi)))
    window, strides = (1,) * lead + k, (1,) * lead + s
    dil = (1,) * lead + d
    pads = ((0, 0),) * lead + tuple((pi, pi + e) for pi, e in zip(p, extra))
    if kind == "max":
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, window, strides, pads, window_dilation=dil)
    total = jax.lax.reduce_window(x, 0.0, jax.lax.add, window, strides, pads)
    if divisor_override:
        return total / divisor_override
    ones = jnp.ones(x.shape[lead:], x.dtype)
    if count_include_pad:  # explicit padding counts, the ceil_mode overhang does not
        ones = jnp.pad(ones, tuple((pi, pi) for pi in p), constant_values=1)
        inner = tuple((0, e) for e in extra)
    else:
        inner = tuple((pi, pi + e) for pi, e in zip(p, extra))
    count = jax.lax.reduce_window(ones, 0.0, jax.lax.add, k, s, inner)
    return total / count


class Pool(nnx.Module):
    """nn.MaxPoolNd / nn.AvgPoolNd as a parameter-free module (keeps nn.Sequential positions)."""

    def __init__(self, kind, ndim, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        self.config = (kind, ndim, kernel_size, stride, padding, dilation, ceil_mode, count_include_pad,
                       divisor_override)

    def __call__(self, x):
        return t2j_pool(x, *self.config)


def t2j_adaptive_pool(x, kind, output_size):
    """PyTorch adaptive pooling over the last len(output_size) axes: window i spans
    [floor(i * L / out), ceil((i + 1) * L / out))."""
    reduce = jnp.max if kind == "max" else jnp.mean
    ndim = len(output_size)
    for j, out in enumerate(output_size):
        axis = x.ndim - ndim + j
        size = x.shape[axis]
        out = size if out is None else out
        if size % out == 0:
            shape = x.shape[:axis] + (out, size // out) + x.shape[axis + 1:]
            x = reduce(x.reshape(shape), axis=axis + 1)
            continue
        parts = [reduce(jax.lax.slice_in_dim(x, (i * size) // out, -(-((i + 1) * size) // out), axis=axis),
                        axis=axis, keepdims=True) for i in range(out)]
        x = jnp.concatenate(parts, axis=axis)
    return x


class AdaptivePool(nnx.Module):
    """nn.AdaptiveAvgPoolNd / nn.AdaptiveMaxPoolNd as a parameter-free module."""

    def __init__(self, kind, ndim, output_size):
        self.kind, self.output_size = kind, t2j_tuple(output_size, ndim)

    def __call__(self, x):
        return t2j_adaptive_pool(x, self.kind, self.output_size)


def t2j_lp_pool(x, norm_type, ndim, kernel_size, stride=None, ceil_mode=False):
    """F.lp_poolNd as PyTorch computes it: avg_pool(x ** p) (same windows and ceil_mode divisors) times the
    kernel volume, then sign(s) * relu(|s|) ** (1 / p)."""
    k = t2j_tuple(kernel_size, ndim)
    volume = 1
    for ki in k:
        volume = volume * ki
    s = t2j_pool(x ** norm_type, "avg", ndim, k, stride, 0, 1, ceil_mode)
    return (jnp.sign(s) * jax.nn.relu(jnp.abs(s)) * volume) ** (1.0 / norm_type)
