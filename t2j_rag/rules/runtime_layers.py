"""Runtime helpers for the less common torch.nn layers and functional ops (`layers_more.py`).

Functional convolutions in PyTorch's weight layout, convolutions with a non-zero
`padding_mode`, padding modules, pixel/channel shuffles, im2col (`unfold`) and
col2im (`fold`), shrinkage activations, RReLU, local response norm, RMSNorm,
LP pooling, bilinear forms and EmbeddingBag. Each one states PyTorch's formula
in its docstring, because the exact arithmetic (pad order, window averages,
empty bags) is where a hand translation usually goes wrong.

The trade-off: these are small readable loops over kernel offsets or bag
segments rather than the fastest XLA formulation; they trace to static shapes,
and a user who needs speed can replace a helper without touching call sites.
Layers with weights keep PyTorch's attribute names (`weight`, `bias`) or the
Flax name the weight converter expects (`scale` for RMSNorm), so converted
checkpoints load without a special rule.
"""

from __future__ import annotations

from .runtime import _helper

_helper("t2j_conv_dims", '''
def t2j_conv_dims(nd):
    """dimension_numbers for channels-first data and PyTorch's (O, I/groups, *k) weights."""
    spatial = "DHW"[3 - nd:]
    return ("NC" + spatial, "OI" + spatial, "NC" + spatial)
''')

_helper("t2j_conv", '''
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
''', ("t2j_tuple", "t2j_conv_dims"))

_helper("t2j_conv_transpose", '''
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
''', ("t2j_tuple", "t2j_conv_dims"))

_helper("ConvPaddedNCHW", '''
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
''', ("ConvNCHW", "t2j_tuple"))

_helper("t2j_pixel_shuffle", '''
def t2j_pixel_shuffle(x, upscale_factor):
    """F.pixel_shuffle: (*, C r^2, H, W) -> (*, C, H r, W r); channel c r^2 + i r + j lands at (h r + i, w r + j)."""
    r = upscale_factor
    *lead, c, h, w = x.shape
    y = x.reshape(tuple(lead) + (c // (r * r), r, r, h, w))
    n = len(lead)
    y = jnp.transpose(y, tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return y.reshape(tuple(lead) + (c // (r * r), h * r, w * r))
''')

_helper("t2j_pixel_unshuffle", '''
def t2j_pixel_unshuffle(x, downscale_factor):
    """F.pixel_unshuffle, the inverse of pixel_shuffle: (*, C, H r, W r) -> (*, C r^2, H, W)."""
    r = downscale_factor
    *lead, c, h, w = x.shape
    y = x.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    n = len(lead)
    y = jnp.transpose(y, tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return y.reshape(tuple(lead) + (c * r * r, h // r, w // r))
''')

_helper("t2j_channel_shuffle", '''
def t2j_channel_shuffle(x, groups):
    """F.channel_shuffle / nn.ChannelShuffle: view channels as (groups, C / groups), transpose, flatten."""
    n, c = x.shape[0], x.shape[1]
    y = x.reshape((n, groups, c // groups) + x.shape[2:])
    return jnp.swapaxes(y, 1, 2).reshape(x.shape)
''')

_helper("t2j_unfold", '''
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
''', ("t2j_tuple",))

_helper("t2j_fold", '''
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
''', ("t2j_tuple",))

_helper("t2j_unflatten", '''
def t2j_unflatten(x, dim, unflattened_size):
    """nn.Unflatten: split axis `dim` into `unflattened_size` (one entry may be -1)."""
    d = dim % x.ndim
    return x.reshape(x.shape[:d] + tuple(unflattened_size) + x.shape[d + 1:])
''')

_helper("t2j_softshrink", '''
def t2j_softshrink(x, lambd=0.5):
    """F.softshrink: x - lambd above lambd, x + lambd below -lambd, 0 in between."""
    return jnp.where(x > lambd, x - lambd, jnp.where(x < -lambd, x + lambd, jnp.zeros_like(x)))
''')

_helper("t2j_hardshrink", '''
def t2j_hardshrink(x, lambd=0.5):
    """F.hardshrink: x where |x| > lambd (strictly), else 0."""
    return jnp.where((x > lambd) | (x < -lambd), x, jnp.zeros_like(x))
''')

_helper("t2j_tanhshrink", '''
def t2j_tanhshrink(x):
    """F.tanhshrink: x - tanh(x)."""
    return x - jnp.tanh(x)
''')

_helper("t2j_threshold", '''
def t2j_threshold(x, threshold, value):
    """F.threshold: x where x > threshold (strictly), else value."""
    return jnp.where(x > threshold, x, jnp.asarray(value, x.dtype))
''')

_helper("t2j_softmin", '''
def t2j_softmin(x, axis=None):
    """F.softmin: softmax of -x along `axis`; without one, PyTorch's legacy choice (0 for 0-, 1- and 3-d
    inputs, else 1), not every axis at once as jax.nn.softmax(axis=None) would do."""
    if axis is None:
        axis = 0 if x.ndim in (0, 1, 3) else 1
    return jax.nn.softmax(-x, axis=axis)
''')

_helper("t2j_softmax2d", '''
def t2j_softmax2d(x):
    """nn.Softmax2d: softmax over the channel axis of (N, C, H, W) or (C, H, W), i.e. axis -3."""
    return jax.nn.softmax(x, axis=-3)
''')

_helper("t2j_hardtanh", '''
def t2j_hardtanh(x, min_val=-1.0, max_val=1.0):
    """F.hardtanh with any bounds: clip to [min_val, max_val]."""
    return jnp.clip(x, min_val, max_val)
''')

_helper("t2j_softplus", '''
def t2j_softplus(x, beta=1.0, threshold=20.0):
    """F.softplus: log(1 + exp(beta x)) / beta, and x itself where beta x > threshold."""
    return jnp.where(x * beta > threshold, x, jnp.logaddexp(0.0, x * beta) / beta)
''')

_helper("t2j_rrelu_eval", '''
def t2j_rrelu_eval(x, lower=1.0 / 8.0, upper=1.0 / 3.0):
    """F.rrelu with training=False: a leaky ReLU with the mean slope (lower + upper) / 2."""
    return jnp.where(x >= 0, x, x * ((lower + upper) / 2))
''')

_helper("RReLUTorch", '''
class RReLUTorch(nnx.Module):
    """nn.RReLU: in eval the slope is (lower + upper) / 2; in training every negative element gets its own
    slope drawn from U(lower, upper), from the 'dropout' RNG stream like nnx.Dropout."""

    def __init__(self, lower=1.0 / 8.0, upper=1.0 / 3.0, inplace=False, *, rngs: nnx.Rngs):
        self.lower, self.upper = lower, upper
        self.deterministic = False
        self.rngs = rngs["dropout"].fork()

    def __call__(self, x):
        if self.deterministic:
            return t2j_rrelu_eval(x, self.lower, self.upper)
        slope = jax.random.uniform(self.rngs(), x.shape, x.dtype, self.lower, self.upper)
        return jnp.where(x >= 0, x, x * slope)
''', ("t2j_rrelu_eval",))

_helper("AlphaDropoutTorch", '''
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
''')

_helper("t2j_local_response_norm", '''
def t2j_local_response_norm(x, size, alpha=1e-4, beta=0.75, k=1.0):
    """F.local_response_norm: x / (k + alpha * mean of x^2 over a window of `size` channels)^beta, the
    window zero-padded (size // 2 before, (size - 1) // 2 after) and always divided by `size`."""
    sq = jnp.pad(x * x, ((0, 0), (size // 2, (size - 1) // 2)) + ((0, 0),) * (x.ndim - 2))
    window = (1, size) + (1,) * (x.ndim - 2)
    total = jax.lax.reduce_window(sq, 0.0, jax.lax.add, window, (1,) * x.ndim, "VALID")
    return x / (total / size * alpha + k) ** beta
''')

_helper("t2j_rms_norm", '''
def t2j_rms_norm(x, normalized_shape, weight=None, eps=None):
    """F.rms_norm over the trailing len(normalized_shape) axes; eps=None is the dtype's machine epsilon."""
    n = len(t2j_tuple(normalized_shape, 1))
    eps = jnp.finfo(x.dtype).eps if eps is None else eps
    axes = tuple(range(x.ndim - n, x.ndim))
    y = x * jax.lax.rsqrt(jnp.mean(x * x, axis=axes, keepdims=True) + eps)
    return y if weight is None else y * weight
''', ("t2j_tuple",))

_helper("RMSNormTorch", '''
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
''', ("t2j_rms_norm", "t2j_tuple"))

_helper("t2j_lp_pool", '''
def t2j_lp_pool(x, norm_type, ndim, kernel_size, stride=None, ceil_mode=False):
    """F.lp_poolNd as PyTorch computes it: avg_pool(x ** p) (same windows and ceil_mode divisors) times the
    kernel volume, then sign(s) * relu(|s|) ** (1 / p)."""
    k = t2j_tuple(kernel_size, ndim)
    volume = 1
    for ki in k:
        volume = volume * ki
    s = t2j_pool(x ** norm_type, "avg", ndim, k, stride, 0, 1, ceil_mode)
    return (jnp.sign(s) * jax.nn.relu(jnp.abs(s)) * volume) ** (1.0 / norm_type)
''', ("t2j_tuple", "t2j_pool"))

_helper("t2j_bilinear", '''
def t2j_bilinear(x1, x2, weight, bias=None):
    """F.bilinear: y_o = x1^T W_o x2 + b_o with weight (out, in1, in2)."""
    y = jnp.einsum("...i,oij,...j->...o", x1, weight, x2)
    return y if bias is None else y + bias
''')

_helper("BilinearTorch", '''
class BilinearTorch(nnx.Module):
    """nn.Bilinear: `weight` (out, in1, in2) and `bias` (out,) keep PyTorch's names and shapes, so the
    weight converter copies them by name; init U(-1/sqrt(in1), 1/sqrt(in1)) like PyTorch."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, *, rngs: nnx.Rngs):
        bound = 1.0 / in1_features ** 0.5
        self.weight = nnx.Param(jax.random.uniform(rngs.params(), (out_features, in1_features, in2_features),
                                                   minval=-bound, maxval=bound))
        self.bias = nnx.Param(jax.random.uniform(rngs.params(), (out_features,), minval=-bound, maxval=bound)) \\
            if bias else None

    def __call__(self, x1, x2):
        return t2j_bilinear(x1, x2, self.weight[...], None if self.bias is None else self.bias[...])
''', ("t2j_bilinear",))

_helper("t2j_embedding_bag", '''
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
''')

_helper("EmbeddingBagTorch", '''
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
''', ("t2j_embedding_bag",))

_helper("t2j_param_container", '''
def t2j_param_container(values=None):
    """nn.ParameterList / nn.ParameterDict: every plain array becomes an nnx.Param, as PyTorch wraps each
    tensor in a Parameter; the weight converter walks nnx.List by index and nnx.Dict by key."""
    wrap = lambda v: v if isinstance(v, nnx.Variable) else nnx.Param(jnp.asarray(v))
    if isinstance(values, dict):
        return nnx.Dict({k: wrap(v) for k, v in values.items()})
    return nnx.List([wrap(v) for v in (values or [])])
''')
