"""PyTorch's losses, one helper per functional, with PyTorch's parameter names and defaults.

Each reproduces the formula PyTorch computes, including the details an optax one-liner gets wrong:
class axis 1 with spatial axes, `ignore_index` and class weights in the mean's denominator, label
smoothing over the weighted classes, BCE's log clamp at -100 (notes rules-losses and the training-*
loss notes). A module whose `weight` / `pos_weight` PyTorch holds as a buffer becomes
`LossWithBuffers`, which keeps the tensors as variables of the same names so the weight converter
can fill them.

The trade-off: the helpers favour the exact PyTorch arithmetic over the shortest jnp expression,
so a translation carries a few more lines than a hand-written loss.
"""

import jax
import jax.numpy as jnp
from flax import nnx

from .distances import t2j_pairwise_distance


def t2j_reduce(loss, reduction):
    """PyTorch's reduction argument: 'mean' over all elements, 'sum', or 'none'."""
    if reduction == "mean":
        return jnp.mean(loss)
    if reduction == "sum":
        return jnp.sum(loss)
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def t2j_weighted_reduce(loss, weight, reduction):
    """mse_loss / l1_loss with an elementwise weight: 'mean' divides by the summed weights."""
    if weight is None:
        return t2j_reduce(loss, reduction)
    loss = loss * weight
    if reduction == "mean":
        return jnp.sum(loss) / jnp.sum(weight)
    return t2j_reduce(loss, reduction)


def t2j_nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """F.nll_loss: classes on axis 1 (axis 0 for one unbatched (C,) row). A target equal to
    ignore_index contributes 0, and 'mean' divides by the summed weights of the other targets."""
    axis = 0 if input.ndim == 1 else 1
    keep = target != ignore_index
    safe = jnp.where(keep, target, 0)
    picked = jnp.squeeze(jnp.take_along_axis(input, jnp.expand_dims(safe, axis), axis=axis), axis)
    w = jnp.ones_like(picked) if weight is None else jnp.asarray(weight, input.dtype)[safe]
    w = jnp.where(keep, w, 0)
    loss = -picked * w
    if reduction == "mean":
        return jnp.sum(loss) / jnp.sum(w)
    return t2j_reduce(loss, reduction)


def t2j_cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """F.cross_entropy: log_softmax over axis 1 (axis 0 when unbatched), then integer class targets
    (nll_loss with weight / ignore_index) or floating class probabilities of the input's shape.
    label_smoothing e mixes (1 - e) * nll with e / C times the (weighted) sum of -log p over all
    classes, normalised like the nll term."""
    axis = 0 if input.ndim == 1 else 1
    n_classes = input.shape[axis]
    logp = jax.nn.log_softmax(input, axis=axis)
    class_shape = (-1,) + (1,) * (input.ndim - axis - 1)  # a (C,) weight along the class axis
    if not jnp.issubdtype(target.dtype, jnp.integer):
        if label_smoothing:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        terms = logp * target
        if weight is not None:
            terms = terms * jnp.reshape(weight, class_shape)
        # probability targets: 'mean' is over the N * d1 * ... positions, not the weights
        return t2j_reduce(-jnp.sum(terms, axis=axis), reduction)
    nll = t2j_nll_loss(logp, target, weight, ignore_index, reduction)
    if not label_smoothing:
        return nll
    keep = target != ignore_index
    terms = logp if weight is None else logp * jnp.reshape(weight, class_shape)
    smooth = jnp.where(keep, -jnp.sum(terms, axis=axis), 0)
    if reduction == "mean":
        if weight is None:
            smooth = jnp.sum(smooth) / jnp.sum(keep)
        else:
            smooth = jnp.sum(smooth) / jnp.sum(jnp.where(keep, jnp.asarray(weight)[jnp.where(keep, target, 0)], 0))
    else:
        smooth = t2j_reduce(smooth, reduction)
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


def t2j_binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """F.binary_cross_entropy on probabilities; PyTorch clamps each log term at -100, so an input of
    exactly 0 or 1 gives a finite loss of 100 instead of inf."""
    loss = -(target * jnp.maximum(jnp.log(input), -100.0) + (1 - target) * jnp.maximum(jnp.log1p(-input), -100.0))
    if weight is not None:
        loss = loss * weight
    return t2j_reduce(loss, reduction)


def t2j_binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """F.binary_cross_entropy_with_logits in the stable form (1 - t) x - (1 + (pw - 1) t) log_sigmoid(x);
    pos_weight scales only the positive term and broadcasts along the last (class) axis."""
    log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * target
    loss = (1 - target) * input - log_weight * jax.nn.log_sigmoid(input)
    if weight is not None:
        loss = loss * weight
    return t2j_reduce(loss, reduction)


def t2j_mse_loss(input, target, reduction="mean", weight=None):
    """F.mse_loss (inputs broadcast); with an elementwise weight 'mean' divides by the summed weights."""
    return t2j_weighted_reduce((input - target) ** 2, weight, reduction)


def t2j_l1_loss(input, target, reduction="mean", weight=None):
    """F.l1_loss (inputs broadcast); with an elementwise weight 'mean' divides by the summed weights."""
    return t2j_weighted_reduce(jnp.abs(input - target), weight, reduction)


def t2j_smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """F.smooth_l1_loss: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; beta == 0 is plain L1."""
    d = jnp.abs(input - target)
    loss = d if beta == 0 else jnp.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)
    return t2j_reduce(loss, reduction)


def t2j_huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """F.huber_loss: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta) (smooth_l1 times delta);
    an elementwise weight multiplies the loss and 'mean' stays a plain mean."""
    d = jnp.abs(input - target)
    loss = jnp.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    if weight is not None:
        loss = loss * weight
    return t2j_reduce(loss, reduction)


def t2j_kl_div(input, target, reduction="mean", log_target=False):
    """F.kl_div: input is log-probabilities; target is probabilities (0 log 0 = 0) or, with
    log_target, log-probabilities. 'batchmean' divides the sum by the batch size input.shape[0]."""
    if log_target:
        loss = jnp.exp(target) * (target - input)
    else:
        loss = jnp.where(target == 0, 0.0, target * jnp.log(jnp.where(target == 0, 1.0, target))) - target * input
    if reduction == "batchmean":
        return jnp.sum(loss) / input.shape[0] if input.ndim else jnp.sum(loss)
    return t2j_reduce(loss, reduction)


def t2j_soft_margin_loss(input, target, reduction="mean"):
    """F.soft_margin_loss: log(1 + exp(-y x)), computed as PyTorch does (it overflows to inf alike)."""
    return t2j_reduce(jnp.log1p(jnp.exp(-input * target)), reduction)


def t2j_margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """F.margin_ranking_loss: max(0, -y (x1 - x2) + margin)."""
    return t2j_reduce(jnp.maximum(-target * (input1 - input2) + margin, 0), reduction)


def t2j_hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):
    """F.hinge_embedding_loss: x where y == 1, max(0, margin - x) where y == -1 (PyTorch adds both
    terms for any other target value, and so does this)."""
    zeros = jnp.zeros_like(input)
    loss = jnp.where(target != 1, jnp.maximum(margin - input, 0), zeros) + jnp.where(target != -1, input, zeros)
    return t2j_reduce(loss, reduction)


def t2j_cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """F.cosine_embedding_loss over the last axis: cos = x1.x2 / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12));
    1 - cos where y == 1, max(0, cos - margin) where y == -1."""
    prod = jnp.sum(input1 * input2, axis=-1)
    mag = (jnp.sum(input1 * input1, axis=-1) + 1e-12) * (jnp.sum(input2 * input2, axis=-1) + 1e-12)
    cos = prod / jnp.sqrt(mag)
    zeros = jnp.zeros_like(cos)
    loss = jnp.where(target == 1, 1 - cos, zeros) + jnp.where(target == -1, jnp.maximum(cos - margin, 0), zeros)
    return t2j_reduce(loss, reduction)


def t2j_triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False,
                            reduction="mean"):
    """F.triplet_margin_loss: max(0, margin + d(a, p) - d(a, n)) with pairwise_distance; swap uses
    min(d(a, n), d(p, n)) as the negative distance."""
    d_pos = t2j_pairwise_distance(anchor, positive, p, eps)
    d_neg = t2j_pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = jnp.minimum(d_neg, t2j_pairwise_distance(positive, negative, p, eps))
    return t2j_reduce(jnp.maximum(margin + d_pos - d_neg, 0), reduction)


def t2j_poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction="mean"):
    """F.poisson_nll_loss: exp(x) - t x (log_input) or x - t log(x + eps); full adds Stirling's
    t log t - t + 0.5 log(2 pi t) only where t > 1."""
    loss = jnp.exp(input) - target * input if log_input else input - target * jnp.log(input + eps)
    if full:
        safe = jnp.where(target > 1, target, 1.0)
        stirling = safe * jnp.log(safe) - safe + 0.5 * jnp.log(2 * jnp.pi * safe)
        loss = loss + jnp.where(target > 1, stirling, 0.0)
    return t2j_reduce(loss, reduction)


def t2j_gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """F.gaussian_nll_loss: 0.5 (log v + (x - t)^2 / v) with v clamped at eps (gradient passes through
    the clamp, as PyTorch clamps under no_grad); a var missing the last axis is broadcast along it."""
    if isinstance(var, (int, float)):
        var = jnp.full(input.shape, var, input.dtype)
    elif var.shape != input.shape and var.shape == input.shape[:-1]:
        var = var[..., None]
    var = var + jax.lax.stop_gradient(jnp.maximum(var, eps) - var)
    loss = 0.5 * (jnp.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * jnp.log(2 * jnp.pi)
    return t2j_reduce(loss, reduction)


def t2j_multilabel_soft_margin_loss(input, target, weight=None, reduction="mean"):
    """F.multilabel_soft_margin_loss: per-class logistic loss (times weight), averaged over the last
    (class) axis, then reduced over the samples."""
    loss = -(target * jax.nn.log_sigmoid(input) + (1 - target) * jax.nn.log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return t2j_reduce(jnp.sum(loss, axis=-1) / input.shape[-1], reduction)


def t2j_multi_margin_loss(input, target, p=1, margin=1.0, weight=None, reduction="mean"):
    """F.multi_margin_loss on (N, C) or (C,) input: sum over i != y of max(0, margin - x[y] + x[i])^p,
    times weight[y], divided by C."""
    x = input if input.ndim == 2 else input[None]
    t = jnp.reshape(target, (-1,))
    z = jnp.maximum(margin - jnp.take_along_axis(x, t[:, None], axis=1) + x, 0)
    h = z if p == 1 else z * z
    if weight is not None:
        h = h * jnp.asarray(weight, x.dtype)[t][:, None]
    h = jnp.where(jnp.arange(x.shape[1])[None, :] == t[:, None], 0, h)
    loss = jnp.sum(h, axis=1) / x.shape[1]
    return t2j_reduce(loss if input.ndim == 2 else loss[0], reduction)


def t2j_multilabel_margin_loss(input, target, reduction="mean"):
    """F.multilabel_margin_loss: target rows list class indices up to the first -1; the loss sums
    max(0, 1 - (x[j] - x[i])) over listed j and unlisted i, divided by C."""
    x = input if input.ndim == 2 else input[None]
    t = target if target.ndim == 2 else target[None]
    n_classes = x.shape[1]
    listed = jnp.cumprod(t >= 0, axis=1).astype(bool)  # only the entries before the first -1 count
    safe = jnp.where(listed, t, 0)
    is_target = jnp.any(listed[:, :, None] & (safe[:, :, None] == jnp.arange(n_classes)), axis=1)
    z = jnp.maximum(1 - jnp.take_along_axis(x, safe, axis=1)[:, :, None] + x[:, None, :], 0)
    z = jnp.where(listed[:, :, None] & ~is_target[:, None, :], z, 0)
    loss = jnp.sum(z, axis=(1, 2)) / n_classes
    return t2j_reduce(loss if input.ndim == 2 else loss[0], reduction)


class LossWithBuffers(nnx.Module):
    """A loss module whose tensor arguments (`weight`, `pos_weight`) PyTorch registers as buffers: they are
    kept as nnx.Variable attributes of the same names, so the weight converter finds and fills them."""

    def __init__(self, loss_fn, buffers, **options):
        self.loss_fn, self.buffer_names, self.options = loss_fn, tuple(buffers), options
        for name, value in buffers.items():
            setattr(self, name, None if value is None else nnx.Variable(jnp.asarray(value)))

    def __call__(self, *args):
        tensors = {n: None if getattr(self, n) is None else getattr(self, n)[...] for n in self.buffer_names}
        return self.loss_fn(*args, **tensors, **self.options)
