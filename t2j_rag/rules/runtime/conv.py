"""Convolutions with PyTorch's arguments: channels-first layers that are Flax layers inside, and the
functional forms in PyTorch's weight layout.

`ConvNCHW` / `ConvTransposeNCHW` / `ConvPaddedNCHW` subclass `nnx.Conv` / `nnx.ConvTranspose`, so the
weight converter (which looks for `kernel` and `bias`) sees ordinary Flax layers; they move the channel
axis at the boundary because Flax convolves channels-last. `t2j_conv` / `t2j_conv_transpose` take
(O, I/groups, *k) and (I, O/groups, *k) weights as F.convNd does.

The trade-off: two transposes per layer call in exchange for a forward pass that reads like the
PyTorch one and weights that load by name; XLA usually fuses the transposes away.
"""

import jax
import jax.numpy as jnp
from flax import nnx

from .shapes import t2j_tuple


class ConvNCHW(nnx.Conv):
    """nn.ConvNd with PyTorch's arguments and channels-first data; Flax computes in channels-last."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, *, ndim, rngs: nnx.Rngs):
        if isinstance(padding, str):
            pad = padding.upper()
        else:
            pad = tuple((p, p) for p in t2j_tuple(padding, ndim))
        super().__init__(in_channels, out_channels, t2j_tuple(kernel_size, ndim), strides=t2j_tuple(stride, ndim),
                         padding=pad, kernel_dilation=t2j_tuple(dilation, ndim), feature_group_count=groups,
                         use_bias=bias, rngs=rngs)

    def __call__(self, x):
        return jnp.moveaxis(super().__call__(jnp.moveaxis(x, 1, -1)), -1, 1)


class ConvTransposeNCHW(nnx.ConvTranspose):
    """nn.ConvTransposeNd (groups=1) with PyTorch's arguments and channels-first data.

    PyTorch's output size is (i - 1) * s - 2p + d (k - 1) + output_padding + 1; Flax pads the
    stride-dilated input explicitly, so each side gets d (k - 1) - p (plus output_padding on the right).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, *, ndim, rngs: nnx.Rngs):
        k, d = t2j_tuple(kernel_size, ndim), t2j_tuple(dilation, ndim)
        p, op = t2j_tuple(padding, ndim), t2j_tuple(output_padding, ndim)
        pad = tuple((di * (ki - 1) - pi, di * (ki - 1) - pi + oi) for ki, di, pi, oi in zip(k, d, p, op))
        super().__init__(in_channels, out_channels, k, strides=t2j_tuple(stride, ndim), padding=pad,
                         kernel_dilation=d, use_bias=bias, rngs=rngs)

    def __call__(self, x):
        return jnp.moveaxis(super().__call__(jnp.moveaxis(x, 1, -1)), -1, 1)


class ConvPaddedNCHW(ConvNCHW):
    """nn.ConvNd with padding_mode reflect / replicate / circular: pad explicitly, then convolve with no
    padding. 'same' splits d (k - 1) as PyTorch does (left total // 2). Weights stay kernel / bias."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", *, ndim, rngs: nnx.Rngs):
        k, d = t2j_tuple(kernel_size, ndim), t2j_tuple(dilation, ndim)
        if padding == "same":
            self.pads = tuple((di * (ki - 1) // 2, di * (ki - 1) - di * (ki - 1) // 2) for ki, di in zip(k, d))
        elif padding == "valid":
            self.pads = ((0, 0),) * ndim
        else:
            self.pads = tuple((p, p) for p in t2j_tuple(padding, ndim))
        self.pad_mode = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[padding_mode]
        super().__init__(in_channels, out_channels, kernel_size, stride, 0, dilation, groups, bias, ndim=ndim,
                         rngs=rngs)

    def __call__(self, x):
        lead = ((0, 0),) * (x.ndim - len(self.pads))
        return super().__call__(jnp.pad(x, lead + self.pads, mode=self.pad_mode))


def t2j_conv_dims(nd):
    """dimension_numbers for channels-first data and PyTorch's (O, I/groups, *k) weights."""
    spatial = "DHW"[3 - nd:]
    return ("NC" + spatial, "OI" + spatial, "NC" + spatial)


def t2j_conv(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """F.conv1d/2d/3d: weight (O, I/groups, *k); padding int, tuple, 'same' (left gets total // 2) or 'valid'.
    An unbatched input (C, *spatial) is accepted like PyTorch does."""
    nd = weight.ndim - 2
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    k, d = weight.shape[2:], t2j_tuple(dilation, nd)
    if isinstance(padding, str):
        if padding == "valid":
            pads = [(0, 0)] * nd
        else:
            pads = [(di * (ki - 1) // 2, di * (ki - 1) - di * (ki - 1) // 2) for ki, di in zip(k, d)]
    else:
        pads = [(p, p) for p in t2j_tuple(padding, nd)]
    y = jax.lax.conv_general_dilated(x, weight.astype(x.dtype), t2j_tuple(stride, nd), pads, rhs_dilation=d,
                                     dimension_numbers=t2j_conv_dims(nd), feature_group_count=groups)
    if bias is not None:
        y = y + jnp.reshape(bias, (1, -1) + (1,) * nd)
    return y[0] if unbatched else y


def t2j_conv_transpose(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """F.conv_transposeNd: weight (I, O/groups, *k). The gradient of a convolution: dilate the input by
    the stride, pad each side by d (k - 1) - p (plus output_padding on the right) and convolve with the
    spatially flipped kernel, giving (i - 1) s - 2p + d (k - 1) + output_padding + 1 outputs."""
    nd = weight.ndim - 2
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    cin, cout_g, k = weight.shape[0], weight.shape[1], weight.shape[2:]
    s, d = t2j_tuple(stride, nd), t2j_tuple(dilation, nd)
    p, op = t2j_tuple(padding, nd), t2j_tuple(output_padding, nd)
    # (I, O/g, *k) -> (O, I/g, *k), group by group, then flip every spatial axis.
    w = jnp.reshape(weight, (groups, cin // groups, cout_g) + tuple(k))
    w = jnp.swapaxes(w, 1, 2).reshape((groups * cout_g, cin // groups) + tuple(k))
    w = jnp.flip(w, axis=tuple(range(2, 2 + nd))).astype(x.dtype)
    pads = [(di * (ki - 1) - pi, di * (ki - 1) - pi + oi) for ki, di, pi, oi in zip(k, d, p, op)]
    y = jax.lax.conv_general_dilated(x, w, (1,) * nd, pads, lhs_dilation=s, rhs_dilation=d,
                                     dimension_numbers=t2j_conv_dims(nd), feature_group_count=groups)
    if bias is not None:
        y = y + jnp.reshape(bias, (1, -1) + (1,) * nd)
    return y[0] if unbatched else y
