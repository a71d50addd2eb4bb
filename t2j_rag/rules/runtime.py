"""Helper definitions the rules engine pastes into a translation when the unit needs them.

Layout plumbing (NCHW at the boundary, NHWC inside Flax convolutions), PyTorch's
pooling arithmetic and a few multi-result tensor functions are easier to get
right once, as small named helpers, than to expand inline at every call site.
Each helper is plain Flax NNX / jax.numpy source that the user can read and
edit; the layer helpers subclass the Flax layer, so the weight converter (which
looks for `kernel`, `bias`, `scale`...) sees an ordinary nnx.Conv or nnx.GroupNorm.

The trade-off: the translated file carries a few helpers that are not in the
original, in exchange for each call site staying one line that mirrors the
PyTorch line it came from. Helpers that depend on others list them in DEPENDS,
and `helper_source` returns them in a dependency-respecting order.
"""

from __future__ import annotations

HELPERS: dict[str, str] = {}
DEPENDS: dict[str, tuple[str, ...]] = {}


def _helper(name: str, source: str, depends: tuple[str, ...] = ()) -> None:
    HELPERS[name] = source.strip("\n") + "\n"
    DEPENDS[name] = depends


_helper("t2j_tuple", '''
def t2j_tuple(value, n):
    """PyTorch's int-or-tuple arguments as an n-tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n
''')

_helper("ConvNCHW", '''
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
''', ("t2j_tuple",))

_helper("ConvTransposeNCHW", '''
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
''', ("t2j_tuple",))

_helper("GroupNormNCHW", '''
class GroupNormNCHW(nnx.GroupNorm):
    """nn.GroupNorm / nn.InstanceNorm on channels-first data (Flax groups the last axis)."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, *, rngs: nnx.Rngs):
        super().__init__(num_channels, num_groups=num_groups, epsilon=eps, use_bias=affine, use_scale=affine,
                         rngs=rngs)

    def __call__(self, x):
        return jnp.moveaxis(super().__call__(jnp.moveaxis(x, 1, -1)), -1, 1)
''')

_helper("t2j_pool", '''
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
''', ("t2j_tuple",))

_helper("Pool", '''
class Pool(nnx.Module):
    """nn.MaxPoolNd / nn.AvgPoolNd as a parameter-free module (keeps nn.Sequential positions)."""

    def __init__(self, kind, ndim, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        self.config = (kind, ndim, kernel_size, stride, padding, dilation, ceil_mode, count_include_pad,
                       divisor_override)

    def __call__(self, x):
        return t2j_pool(x, *self.config)
''', ("t2j_pool",))

_helper("t2j_adaptive_pool", '''
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
''')

_helper("AdaptivePool", '''
class AdaptivePool(nnx.Module):
    """nn.AdaptiveAvgPoolNd / nn.AdaptiveMaxPoolNd as a parameter-free module."""

    def __init__(self, kind, ndim, output_size):
        self.kind, self.output_size = kind, t2j_tuple(output_size, ndim)

    def __call__(self, x):
        return t2j_adaptive_pool(x, self.kind, self.output_size)
''', ("t2j_adaptive_pool", "t2j_tuple"))

_helper("t2j_flatten", '''
def t2j_flatten(x, start_dim=0, end_dim=-1):
    """torch.flatten: merge axes start_dim..end_dim (inclusive), row-major like PyTorch."""
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])
''')

_helper("t2j_identity", '''
def t2j_identity(x, *args, **kwargs):
    """nn.Identity: ignores extra arguments like PyTorch's."""
    return x
''')

_helper("t2j_chunk", '''
def t2j_chunk(x, chunks, axis=0):
    """torch.chunk: pieces of ceil(n / chunks) along `axis`, the last one possibly smaller."""
    size = -(-x.shape[axis] // chunks)
    return tuple(jax.lax.slice_in_dim(x, i, min(i + size, x.shape[axis]), axis=axis)
                 for i in range(0, x.shape[axis], size))
''')

_helper("t2j_split", '''
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
''')

_helper("t2j_max_dim", '''
def t2j_max_dim(x, kind, axis, keepdims=False):
    """torch.max(x, dim) / torch.min(x, dim): a (values, indices) pair."""
    if kind == "max":
        values, indices = jnp.max(x, axis=axis, keepdims=keepdims), jnp.argmax(x, axis=axis, keepdims=keepdims)
    else:
        values, indices = jnp.min(x, axis=axis, keepdims=keepdims), jnp.argmin(x, axis=axis, keepdims=keepdims)
    return values, indices
''')

_helper("t2j_expand", '''
def t2j_expand(x, sizes):
    """Tensor.expand: new leading axes may be added; -1 keeps the existing size of that axis."""
    sizes = tuple(sizes)
    current = (1,) * (len(sizes) - x.ndim) + tuple(x.shape)
    return jnp.broadcast_to(x, tuple(d if s == -1 else s for s, d in zip(sizes, current)))
''')

_helper("t2j_dropout", '''
def t2j_dropout(x, p, training, rngs, channels=False):
    """F.dropout(x, p, training=self.training): identity in eval; in training a fresh mask from the
    module's key stream, scaled by 1 / (1 - p). channels=True drops whole channels (dropout1d/2d/3d)."""
    if not training or p == 0:
        return x
    shape = x.shape[:2] + (1,) * (x.ndim - 2) if channels else x.shape
    keep = jax.random.bernoulli(rngs.dropout(), 1.0 - p, shape)
    return jnp.where(keep, x / (1.0 - p), 0.0)
''')

_helper("t2j_random_like", '''
def t2j_random_like(key, x, normal=True, dtype=None):
    """torch.randn_like / rand_like: standard normal or uniform [0, 1) draws shaped like x."""
    dtype = x.dtype if dtype is None else dtype
    return jax.random.normal(key, x.shape, dtype) if normal else jax.random.uniform(key, x.shape, dtype)
''')

_helper("t2j_pad", '''
def t2j_pad(x, pad, mode="constant", value=0.0):
    """F.pad: `pad` lists (left, right) pairs starting from the LAST axis."""
    pairs = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        pairs[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode == "constant":
        return jnp.pad(x, pairs, constant_values=value)
    return jnp.pad(x, pairs, mode={"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode])
''')

_helper("t2j_normalize", '''
def t2j_normalize(x, p=2.0, axis=1, eps=1e-12):
    """F.normalize: divide by max(norm, eps)."""
    norm = jnp.linalg.vector_norm(x, ord=p, axis=axis, keepdims=True)
    return x / jnp.maximum(norm, eps)
''')

_helper("t2j_sdpa", '''
def t2j_sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """F.scaled_dot_product_attention on (..., L, E) arrays; a boolean mask marks positions to KEEP."""
    scale = 1.0 / jnp.sqrt(q.shape[-1]).astype(q.dtype) if scale is None else scale
    scores = (q @ jnp.swapaxes(k, -2, -1)) * scale
    if is_causal:
        keep = jnp.tril(jnp.ones((q.shape[-2], k.shape[-2]), dtype=bool))
        scores = jnp.where(keep, scores, -jnp.inf)
    if attn_mask is not None:
        scores = jnp.where(attn_mask, scores, -jnp.inf) if attn_mask.dtype == bool else scores + attn_mask
    return jax.nn.softmax(scores, axis=-1) @ v
''')

_helper("t2j_linear", '''
def t2j_linear(x, weight, bias=None):
    """F.linear: weight is (out, in) as in PyTorch."""
    y = x @ weight.T
    return y if bias is None else y + bias
''')

_helper("t2j_layer_norm", '''
def t2j_layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """F.layer_norm over the trailing len(normalized_shape) axes (biased variance)."""
    axes = tuple(range(x.ndim - len(t2j_tuple(normalized_shape, 1)), x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.var(x, axis=axes, keepdims=True)
    y = (x - mean) / jnp.sqrt(var + eps)
    if weight is not None:
        y = y * weight
    return y if bias is None else y + bias
''', ("t2j_tuple",))


# --- added for issue 4: scaled products, functional norms, PReLU, resampling -------------

_helper("t2j_scaled_add", """
def t2j_scaled_add(input, product, beta=1, alpha=1):
    \"\"\"beta * input + alpha * product (torch.addmm family). With beta == 0 PyTorch never reads the
    input, so NaN/inf in it must not leak into the result (0 * nan is nan).\"\"\"
    scaled = product if isinstance(alpha, (int, float)) and alpha == 1 else alpha * product
    if isinstance(beta, (int, float)) and beta == 0:
        return scaled
    base = input if isinstance(beta, (int, float)) and beta == 1 else beta * input
    return base + scaled
""")

_helper("t2j_channel_affine", """
def t2j_channel_affine(y, weight=None, bias=None):
    \"\"\"Per-channel scale and shift on channels-first data: (C,) vectors broadcast along axis 1.\"\"\"
    shape = (1, -1) + (1,) * (y.ndim - 2)
    if weight is not None:
        y = y * jnp.reshape(weight, shape)
    return y if bias is None else y + jnp.reshape(bias, shape)
""")

_helper("t2j_group_norm", """
def t2j_group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    \"\"\"F.group_norm on (N, C, *) data: statistics over each group's channels and all positions.\"\"\"
    g = x.reshape((x.shape[0], num_groups, -1))
    mean = jnp.mean(g, axis=-1, keepdims=True)
    var = jnp.var(g, axis=-1, keepdims=True)
    y = ((g - mean) / jnp.sqrt(var + eps)).reshape(x.shape)
    return t2j_channel_affine(y, weight, bias)
""", ("t2j_channel_affine",))

_helper("t2j_instance_norm", """
def t2j_instance_norm(x, weight=None, bias=None, eps=1e-5):
    \"\"\"F.instance_norm with use_input_stats=True: each (sample, channel) over its positions.\"\"\"
    axes = tuple(range(2, x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    var = jnp.var(x, axis=axes, keepdims=True)
    return t2j_channel_affine((x - mean) / jnp.sqrt(var + eps), weight, bias)
""", ("t2j_channel_affine",))

_helper("t2j_batch_norm", """
def t2j_batch_norm(x, running_mean, running_var, weight=None, bias=None, eps=1e-5):
    \"\"\"F.batch_norm with training=False: the given running statistics, channel axis 1.\"\"\"
    shape = (1, -1) + (1,) * (x.ndim - 2)
    y = (x - jnp.reshape(running_mean, shape)) / jnp.sqrt(jnp.reshape(running_var, shape) + eps)
    return t2j_channel_affine(y, weight, bias)
""", ("t2j_channel_affine",))

_helper("t2j_prelu", """
def t2j_prelu(x, weight):
    \"\"\"F.prelu: the slope vector (C,) or (1,) applies along axis 1, PyTorch's channel axis.\"\"\"
    w = jnp.reshape(weight, (-1,) + (1,) * (x.ndim - 2)) if x.ndim >= 2 else weight
    return jnp.where(x >= 0, x, w * x)
""")

_helper("PReLUNCHW", """
class PReLUNCHW(nnx.Module):
    \"\"\"nn.PReLU: a learnable slope `weight` of shape (num_parameters,), named as in PyTorch so the
    weights load by name (nnx.PReLU holds one scalar `negative_slope` instead).\"\"\"

    def __init__(self, num_parameters=1, init=0.25):
        self.weight = nnx.Param(jnp.full((num_parameters,), init, jnp.float32))

    def __call__(self, x):
        return t2j_prelu(x, self.weight[...])
""", ("t2j_prelu",))

_helper("t2j_interpolate", """
def t2j_interpolate(x, size=None, scale_factor=None, mode="nearest", align_corners=None,
                    recompute_scale_factor=None):
    \"\"\"F.interpolate on (N, C, *spatial) data, one spatial axis at a time. Source indices follow
    PyTorch's CPU kernels in float32: nearest is floor(dst * scale); linear maps dst to
    (dst + 0.5) * scale - 0.5 (clamped at 0), or dst * (in - 1) / (out - 1) with align_corners.
    A given scale_factor is used as 1 / scale_factor, not in / out.\"\"\"
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
""", ("t2j_tuple",))

_helper("UpsampleNCHW", """
class UpsampleNCHW(nnx.Module):
    \"\"\"nn.Upsample as a parameter-free module (keeps nn.Sequential positions).\"\"\"

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        self.config = (size, scale_factor, mode, align_corners, recompute_scale_factor)

    def __call__(self, x):
        return t2j_interpolate(x, *self.config)
""", ("t2j_interpolate",))


def helper_source(names) -> str:
    """Source of the named helpers and their dependencies, dependencies first."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for dep in DEPENDS[name]:
            visit(dep)
        order.append(name)

    for name in sorted(names):
        visit(name)
    return "\n\n".join(HELPERS[n] for n in order)


# Helper families kept in their own modules; importing them registers them in HELPERS.
from . import runtime_sequence as _runtime_sequence  # noqa: E402,F401
from . import runtime_layers as _runtime_layers  # noqa: E402,F401
from . import runtime_losses as _runtime_losses  # noqa: E402,F401
from . import runtime_tensor as _runtime_tensor  # noqa: E402,F401
