"""The nhwc-reshape rule: flattening after a move to channels-last, without moving back.

PyTorch flattens an NCHW feature map in (C, H, W) order; once a translation
transposes to NHWC for Flax convolutions, a flatten gives (H, W, C) order and
the next Linear layer's weights no longer line up with PyTorch's. The rule
looks, per function, for a transpose to NHWC followed by a flatten with no
transpose back and no spatial pooling in between. The trade-off: it reads one
function at a time, in line order, so a layout change made in a caller is
not seen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .context import LintContext
from .rule import Hit, Rule
from .syntax import arg, functions, int_tuple, number, scope_nodes

_TO_NHWC = {(0, 2, 3, 1), (0, 2, 3, 4, 1)}
_TO_NCHW = {(0, 3, 1, 2), (0, 4, 1, 2, 3)}


def check_nhwc_reshape(ctx: LintContext) -> Iterator[Hit]:
    for fn in functions(ctx.tree):
        to_nhwc, back, pooled, flattens = [], False, False, []
        for node in scope_nodes(fn):
            if not isinstance(node, ast.Call):
                continue
            perm = _permutation(ctx, node)
            if perm in _TO_NHWC:
                to_nhwc.append(node.lineno)
            elif perm in _TO_NCHW:
                back = True
            if _is_spatial_reduction(ctx, node):
                pooled = True
            if _is_flatten(ctx, node):
                flattens.append(node)
        if not to_nhwc or back or pooled:
            continue
        first = min(to_nhwc)
        for node in flattens:
            if node.lineno > first:
                yield Hit(node, "flattening an NHWC array orders features (H, W, C) but PyTorch flattens NCHW as "
                                "(C, H, W): transpose back first, x = jnp.transpose(x, (0, 3, 1, 2)), then reshape")


def _permutation(ctx: LintContext, call: ast.Call) -> tuple | None:
    """The axis order a transpose call applies (`jnp.transpose(x, (0, 2, 3, 1))`, `x.transpose(0, 2, 3, 1)`,
    `jnp.moveaxis(x, 1, -1)`), or None."""
    name = ctx.canon(call.func)
    if name in ("jax.numpy.transpose", "jax.numpy.permute_dims"):
        return int_tuple(arg(call, 1, "axes"))
    if name == "jax.numpy.moveaxis" and len(call.args) >= 3:
        src, dst = number(call.args[1]), number(call.args[2])
        if src == 1 and dst in (-1, 3):
            return (0, 2, 3, 1)
        if src in (-1, 3) and dst == 1:
            return (0, 3, 1, 2)
        return None
    if (isinstance(call.func, ast.Attribute) and call.func.attr == "transpose"
            and not ctx.is_module_ref(call.func.value)):
        if len(call.args) == 1:
            return int_tuple(call.args[0])
        vals = tuple(number(a) for a in call.args)
        return vals if vals and all(isinstance(v, int) for v in vals) else None
    return None


def _is_spatial_reduction(ctx: LintContext, call: ast.Call) -> bool:
    """A mean/max over the spatial axes: after it the flatten order no longer matters."""
    name = ctx.canon(call.func)
    is_jnp = name in ("jax.numpy.mean", "jax.numpy.max", "jax.numpy.sum", "jax.numpy.amax")
    is_method = isinstance(call.func, ast.Attribute) and call.func.attr in ("mean", "max", "sum") and not (
        ctx.is_module_ref(call.func.value))
    if not (is_jnp or is_method):
        return False
    axis = arg(call, 1 if is_jnp else 0, "axis")
    return int_tuple(axis) in ((1, 2), (-3, -2), (1, 2, 3))


def _is_flatten(ctx: LintContext, call: ast.Call) -> bool:
    """`jnp.ravel(x)`, `x.flatten()`, `x.reshape(n, -1)`, `jnp.reshape(x, (n, -1))`."""
    name = ctx.canon(call.func)
    if name == "jax.numpy.ravel":
        return True
    if name == "jax.numpy.reshape":
        shape = arg(call, 1, "shape")
        return isinstance(shape, (ast.Tuple, ast.List)) and bool(shape.elts) and number(shape.elts[-1]) == -1
    if isinstance(call.func, ast.Attribute) and not ctx.is_module_ref(call.func.value):
        if call.func.attr in ("ravel", "flatten") and not call.args:
            return True
        if call.func.attr == "reshape" and call.args:
            one_tuple = len(call.args) == 1 and isinstance(call.args[0], (ast.Tuple, ast.List))
            dims = call.args[0].elts if one_tuple else call.args
            return bool(dims) and len(dims) <= 2 and number(dims[-1]) == -1
    return False


NHWC_RESHAPE = Rule(
    id="nhwc-reshape",
    description="flatten after an NCHW->NHWC transpose without transposing back (feature order differs)",
    notes=("layers-flatten-order",),
    check=check_nhwc_reshape,
)
