"""Rules for PyTorch left in JAX code: imports and `torch.*` names, PyTorch keywords, device moves.

`torch-leftover` flags imports of PyTorch modules (what counts as PyTorch is
`aliases.is_torch_module`: torch and the `torch*` ecosystem) and names that
resolve to them; `torch-kwargs` flags `dim=`/`keepdim=`/`unbiased=` on
jax.numpy functions and array methods; `device-move` flags `.cuda()`,
`.to(...)`, `torch.device`, `device="cuda"` and device comparisons. The
trade-off: a method call is judged by its name alone (`x.to(...)`, `x.sum(dim=1)`)
whenever the receiver is not an imported module, so a user object with a
method of the same name would be flagged too; such objects are rare in a
translated model.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..aliases import dotted, is_torch_module
from .context import LintContext
from .rule import Hit, Rule
from .syntax import kw

_KWARG_FIXES = {
    "dim": ("axis", "axis="),
    "keepdim": ("keepdims", "keepdims="),
    "unbiased": ("ddof", "ddof=1 for unbiased=True, ddof=0 for unbiased=False"),
}
# jax.Array methods that take axis=/keepdims= where PyTorch code writes dim=/keepdim=.
_ARRAY_AXIS_METHODS = {
    "sum", "mean", "max", "min", "prod", "std", "var", "argmax", "argmin", "any", "all",
    "cumsum", "cumprod", "squeeze", "sort", "argsort",
}
_DTYPE_NAMES = {
    "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8", "bool", "bool_",
    "complex64", "complex128", "half", "float", "double", "long", "int", "short",
}
_DEVICE_APIS = ("torch.device", "torch.cuda", "torch.backends")


def _is_whole_name(ctx: LintContext, node: ast.AST) -> bool:
    """A dotted name read in the file, taken as a whole (`torch.nn.Linear`, not its `torch.nn` part)."""
    if not isinstance(node, (ast.Attribute, ast.Name)):
        return False
    parent = ctx.parents.get(node)
    if isinstance(parent, ast.Attribute) and parent.value is node:
        return False
    return not (isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load))


# --------------------------------------------------------------------------- torch-leftover


def check_torch_leftover(ctx: LintContext) -> Iterator[Hit]:
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if is_torch_module(a.name):
                    yield Hit(node, f"`import {a.name}` in JAX code: drop it and use jax.numpy / flax.nnx / optax "
                                    "instead")
        elif isinstance(node, ast.ImportFrom):
            if node.module and not node.level and is_torch_module(node.module):
                yield Hit(node, f"`from {node.module} import ...` in JAX code: drop it and use the JAX counterparts")
        elif _is_whole_name(ctx, node):
            name, raw = ctx.canon(node), dotted(node) or ""
            # Only names an import (or the default `torch`) binds: a local `torch_layout` is not PyTorch.
            if raw.split(".")[0] in ctx.aliases and is_torch_module(name) and not name.startswith(_DEVICE_APIS):
                yield Hit(node, f"`{raw}` is PyTorch: use the jax.numpy / jax.nn / flax.nnx equivalent")


TORCH_LEFTOVER = Rule(
    id="torch-leftover",
    description="PyTorch import or torch.* use left in the JAX code",
    notes=("lint-torch-leftover",),
    check=check_torch_leftover,
)


# --------------------------------------------------------------------------- torch-kwargs


def check_torch_kwargs(ctx: LintContext) -> Iterator[Hit]:
    for call in ast.walk(ctx.tree):
        if not isinstance(call, ast.Call):
            continue
        name = ctx.canon(call.func)
        is_fn = name.startswith(("jax.numpy.", "jax.nn.", "jax.scipy.special.")) or (
            name.startswith("flax.nnx.") and name.rsplit(".", 1)[-1][:1].islower()
        )
        is_method = (
            isinstance(call.func, ast.Attribute) and call.func.attr in _ARRAY_AXIS_METHODS
            and not ctx.is_module_ref(call.func.value)
        )
        if not (is_fn or is_method):
            continue
        shown = (dotted(call.func) or call.func.attr) if is_fn else f".{call.func.attr}"
        for k in call.keywords:
            if k.arg in _KWARG_FIXES:
                right, how = _KWARG_FIXES[k.arg]
                yield Hit(call, f"`{shown}(..., {k.arg}=...)` is PyTorch's spelling: JAX uses `{right}=` ({how})",
                          "tensors-std-var-correction" if k.arg == "unbiased" else None)


TORCH_KWARGS = Rule(
    id="torch-kwargs",
    description="PyTorch keyword (dim=, keepdim=, unbiased=) on a jax.numpy / jax.nn call",
    notes=("tensors-reduction-kwargs", "tensors-std-var-correction"),
    check=check_torch_kwargs,
)


# --------------------------------------------------------------------------- device-move


def check_device_move(ctx: LintContext) -> Iterator[Hit]:
    for node in ast.walk(ctx.tree):
        if _is_whole_name(ctx, node) and ctx.canon(node).startswith(_DEVICE_APIS):
            yield Hit(node, f"`{dotted(node)}` has no meaning in JAX: remove it (arrays live on the default device; "
                            "use jax.devices() / jax.device_put only to place them explicitly)")
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Compare):
            yield from _device_compare(node)
        elif isinstance(node, ast.Call):
            yield from _device_method(ctx, node)
            yield from _device_keyword(node)


def _device_method(ctx: LintContext, call: ast.Call) -> Iterator[Hit]:
    func = call.func
    if not isinstance(func, ast.Attribute) or ctx.is_module_ref(func.value):
        return
    if func.attr in ("cuda", "cpu") and not call.args:
        yield Hit(call, f"`.{func.attr}()` is a PyTorch device move: remove it "
                        "(use jax.device_put only to place data explicitly)")
    elif func.attr == "to" and (call.args or call.keywords):
        if _looks_like_dtype(call):
            yield Hit(call, "`.to(dtype)` does not exist on jax arrays: write x.astype(dtype)", "tensors-cast-methods")
        else:
            yield Hit(call, "`.to(device)` is a PyTorch device move: remove it "
                            "(jax.device_put(x, device) if you must place data)")


def _looks_like_dtype(call: ast.Call) -> bool:
    if kw(call, "dtype") is not None:
        return True
    for a in call.args:
        raw = dotted(a) or ""
        if raw.rsplit(".", 1)[-1] in _DTYPE_NAMES:
            return True
        if isinstance(a, ast.Constant) and a.value in _DTYPE_NAMES:
            return True
    return False


def _device_keyword(call: ast.Call) -> Iterator[Hit]:
    k = kw(call, "device")
    if k is not None and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str):
        if k.value.value.split(":")[0] in ("cuda", "mps", "cpu"):
            yield Hit(call, f"`device={k.value.value!r}` is a PyTorch device string: drop it "
                            "(JAX uses the default device)")


def _device_compare(node: ast.Compare) -> Iterator[Hit]:
    for side in [node.left, *node.comparators]:
        parts = (dotted(side) or "").split(".")
        if "device" in parts[1:] or "is_cuda" in parts[1:] or (
            isinstance(side, ast.Constant) and isinstance(side.value, str) and side.value.split(":")[0] == "cuda"
        ):
            yield Hit(node, "comparing devices is PyTorch bookkeeping: JAX code needs no device check, remove it")
            return


DEVICE_MOVE = Rule(
    id="device-move",
    description=".cuda(), .cpu(), .to(...), torch.device or .device checks, which JAX does not need",
    notes=("tensors-device-moves", "tensors-cast-methods"),
    check=check_device_move,
)
