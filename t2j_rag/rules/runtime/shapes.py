"""Helpers for PyTorch's argument and shape conventions: int-or-tuple arguments, flatten and
unflatten, expand with -1, chunk and split sizes, narrow, reversed pad pairs, pixel and channel
shuffles, and im2col / col2im (`unfold` / `fold`).

The trade-off: each is a few lines of jax.numpy that a call site names (`t2j_chunk(x, 3, axis=1)`),
instead of an inline expansion at every call site; the arithmetic PyTorch hides in its argument
conventions (ceil-sized chunks, split sizes rather than split points, pad pairs starting from the
last axis) is written once, where a reader can check it.
"""

import jax
import jax.numpy as jnp


def t2j_tuple(value, n):
    """PyTorch's int-or-tuple arguments as an n-tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def t2j_flatten(x, start_dim=0, end_dim=-1):
    """torch.flatten: merge axes start_dim..end_dim (inclusive), row-major like PyTorch."""
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])


def t2j_unflatten(x, dim, unflattened_size):
    """nn.Unflatten: split axis `dim` into `unflattened_size` (one entry may be -1)."""
    d = dim % x.ndim
    return x.reshape(x.shape[:d] + tuple(unflattened_size) + x.shape[d + 1:])


def t2j_expand(x, sizes):
    """Tensor.expand: new leading axes may be added; -1 keeps the existing size of that axis."""
    sizes = tuple(sizes)
    current = (1,) * (len(sizes) - x.ndim) + tuple(x.shape)
    return jnp.broadcast_to(x, tuple(d if s == -1 else s for s, d in zip(sizes, current)))


def t2j_chunk(x, chunks, axis=0):
    """torch.chunk: pieces of ceil(n / chunks) along `axis`, the last one possibly smaller."""
    size = -(-x.shape[axis] // chunks)
    return tuple(jax.lax.slice_in_dim(x, i, min(i + size, x.shape[axis]), axis=axis)
                 for i in range(0, x.shape[axis], size))


def t2j_split(x, split_size_or_sections, axis=0):
    """torch.split: a piece size (last piece smaller) or a list of piece sizes, not split points."""
    n = x.shape[axis]
    sizes = split_size_or_sections
    if isinstance(sizes, int):
        sizes = [min(sizes, n - i) for i in range(0, n, sizes)]
    bounds, start = [], 0
    for s in sizes:
        bounds.append((start, start + s))
        start += s
    return tuple(jax.lax.slice_in_dim(x, a, b, axis=axis) for a, b in bounds)


def t2j_narrow(x, dim, start, length):
    """Tensor.narrow: `length` entries from `start` along dim (a negative start counts from the end)."""
    if isinstance(start, int) and start < 0:
        start += x.shape[dim]
    return jax.lax.dynamic_slice_in_dim(x, start, length, axis=dim % x.ndim)


def t2j_pad(x, pad, mode="constant", value=0.0):
    """F.pad: `pad` lists (left, right) pairs starting from the LAST axis."""
    pairs = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        pairs[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode == "constant":
        return jnp.pad(x, pairs, constant_values=value)
    return jnp.pad(x, pairs, mode={"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode])


def t2j_pixel_shuffle(x, upscale_factor):
    """F.pixel_shuffle: (*, C r^2, H, W) -> (*, C, H r, W r); channel c r^2 + i r + j lands at (h r + i, w r + j)."""
    r = upscale_factor
    *lead, c, h, w = x.shape
    y = x.reshape(tuple(lead) + (c // (r * r), r, r, h, w))
    n = len(lead)
    y = jnp.transpose(y, tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return y.reshape(tuple(lead) + (c // (r * r), h * r, w * r))


def t2j_pixel_unshuffle(x, downscale_factor):
    """F.pixel_unshuffle, the inverse of pixel_shuffle: (*, C, H r, W r) -> (*, C r^2, H, W)."""
    r = downscale_factor
    *lead, c, h, w = x.shape
    y = x.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    n = len(lead)
    y = jnp.transpose(y, tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return y.reshape(tuple(lead) + (c * r * r, h // r, w // r))


def t2j_channel_shuffle(x, groups):
    """F.channel_shuffle / nn.ChannelShuffle: view channels as (groups, C / groups), transpose, flatten."""
    n, c = x.shape[0], x.shape[1]
    y = x.reshape((n, groups, c // groups) + x.shape[2:])
    return jnp.swapaxes(y, 1, 2).reshape(x.shape)


def t2j_unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """F.unfold (im2col) on (N, C, H, W) or (C, H, W): (N, C kh kw, L), rows channel-major
    (c kh kw + i kw + j), columns the output positions in row-major order."""
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    (kh, kw), (dh, dw) = t2j_tuple(kernel_size, 2), t2j_tuple(dilation, 2)
    (ph, pw), (sh, sw) = t2j_tuple(padding, 2), t2j_tuple(stride, 2)
    x = jnp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, c, h, w = x.shape
    oh, ow = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    cols = [x[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
            for i in range(kh) for j in range(kw)]
    y = jnp.stack(cols, axis=2).reshape((n, c * kh * kw, oh * ow))
    return y[0] if unbatched else y


def t2j_fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """F.fold (col2im), the adjoint of unfold: (N, C kh kw, L) -> (N, C, H, W), overlapping patches summed."""
    unbatched = x.ndim == 2
    if unbatched:
        x = x[None]
    (H, W), (kh, kw) = t2j_tuple(output_size, 2), t2j_tuple(kernel_size, 2)
    (dh, dw), (ph, pw), (sh, sw) = t2j_tuple(dilation, 2), t2j_tuple(padding, 2), t2j_tuple(stride, 2)
    oh = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (W + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    n = x.shape[0]
    c = x.shape[1] // (kh * kw)
    cols = x.reshape((n, c, kh, kw, oh, ow))
    out = jnp.zeros((n, c, H + 2 * ph, W + 2 * pw), x.dtype)
    for i in range(kh):
        for j in range(kw):
            out = out.at[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw].add(
                cols[:, :, i, j])
    out = out[:, :, ph:ph + H, pw:pw + W]
    return out[0] if unbatched else out
