"""The inplace-mutation rule: PyTorch's in-place writes, which jax arrays (immutable) do not support.

Two forms: in-place methods (`x.add_(y)`, `x.zero_()`, the trailing-underscore
convention) and item assignment (`x[0] = v`, which raises on a jax array and
must become `x = x.at[0].set(v)`). The trade-off: item assignment is also how
lists, dicts and numpy arrays are written, so the rule skips any name this
scope shows to be a container (`containers.py`), attributes (`self.var[...]`,
nnx Variables), globals and closures, string keys and `var[...] = v`; what is
left is usually a jax array.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .containers import container_names, is_container_value
from .context import LintContext
from .rule import Hit, Rule
from .syntax import functions, param_names, scope_nodes

# PyTorch's in-place tensor methods (the trailing underscore convention).
INPLACE_METHODS = {
    "abs_", "add_", "addcdiv_", "addcmul_", "addmm_", "bernoulli_", "ceil_", "clamp_", "clamp_max_", "clamp_min_",
    "clip_", "copy_", "cos_", "cumsum_", "div_", "exp_", "exponential_", "fill_", "fill_diagonal_", "floor_",
    "index_add_", "index_copy_", "index_fill_", "index_put_", "lerp_", "log_", "masked_fill_", "masked_scatter_",
    "mul_", "neg_", "normal_", "pow_", "random_", "reciprocal_", "relu_", "requires_grad_", "resize_", "round_",
    "rsqrt_", "scatter_", "scatter_add_", "scatter_reduce_", "sigmoid_", "sign_", "sin_", "sqrt_", "square_",
    "squeeze_", "sub_", "t_", "tanh_", "transpose_", "tril_", "triu_", "true_divide_", "uniform_", "unsqueeze_",
    "zero_", "detach_", "set_", "put_", "map_", "apply_",
}
_INPLACE_HINTS = {
    "add_": "x = x + y", "sub_": "x = x - y", "mul_": "x = x * y", "div_": "x = x / y",
    "clamp_": "x = jnp.clip(x, lo, hi)", "clip_": "x = jnp.clip(x, lo, hi)", "zero_": "x = jnp.zeros_like(x)",
    "fill_": "x = jnp.full_like(x, v)", "copy_": "x = jnp.asarray(src) (or var[...] = src for an nnx.Variable)",
    "masked_fill_": "x = jnp.where(mask, v, x)", "relu_": "x = jax.nn.relu(x)",
    "scatter_": "x = x.at[idx].set(v)", "scatter_add_": "x = x.at[idx].add(v)", "index_add_": "x = x.at[idx].add(v)",
}
_AT_METHODS = {ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply", ast.Div: "divide", ast.Pow: "power"}


def check_inplace_mutation(ctx: LintContext) -> Iterator[Hit]:
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Call):
            yield from _inplace_method(ctx, node)
    yield from _item_assignments(ctx)


def _inplace_method(ctx: LintContext, call: ast.Call) -> Iterator[Hit]:
    func = call.func
    if not isinstance(func, ast.Attribute) or ctx.is_module_ref(func.value) or func.attr not in INPLACE_METHODS:
        return
    hint = _INPLACE_HINTS.get(func.attr, "rebind the out-of-place result (x = f(x)), or var[...] = new for an "
                                         "nnx.Variable")
    yield Hit(call, f"`.{func.attr}()` is a PyTorch in-place method and jax arrays are immutable: write {hint}",
              "tensors-inplace-aliasing")


def _item_assignments(ctx: LintContext) -> Iterator[Hit]:
    for scope in [ctx.tree, *functions(ctx.tree)]:
        containers = container_names(ctx, scope)
        if scope is not ctx.tree:
            # A name the function neither receives nor binds is a global or closure
            # (registries, caches): its type is unknowable here, so leave it alone.
            bound = set(param_names(scope)) | {
                n.id for n in scope_nodes(scope) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
            containers |= {n.id for n in scope_nodes(scope) if isinstance(n, ast.Name) and n.id not in bound}
        for node in scope_nodes(scope):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            else:
                continue
            for t in targets:
                for sub in _subscript_targets(t):
                    yield from _setitem(ctx, node, sub, containers)


def _subscript_targets(target: ast.AST) -> Iterator[ast.Subscript]:
    if isinstance(target, ast.Subscript):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for e in target.elts:
            yield from _subscript_targets(e)
    elif isinstance(target, ast.Starred):
        yield from _subscript_targets(target.value)


def _setitem(ctx: LintContext, stmt: ast.AST, sub: ast.Subscript, containers: set[str]) -> Iterator[Hit]:
    base = sub
    while isinstance(base, ast.Subscript):
        base = base.value
    if not isinstance(base, ast.Name) or base.id in containers or base.id in ("self", "cls"):
        return  # attributes (self.var[...] = v) are nnx.Variables or plain containers
    value = getattr(stmt, "value", None)
    if value is not None and (is_container_value(ctx, value) or (
            isinstance(value, ast.Constant) and (value.value is None or isinstance(value.value, str)))):
        return  # storing a list, dict, None or string: the target is a Python container
    if isinstance(sub.slice, ast.Call) and ctx.canon(sub.slice.func) in ("id", "str", "tuple", "hash", "repr"):
        return  # keyed by id()/str(): a dict
    if isinstance(sub.slice, ast.Constant) and sub.slice.value is Ellipsis:
        return  # var[...] = v is how an nnx.Variable is set
    if isinstance(sub.slice, ast.JoinedStr) or (
            isinstance(sub.slice, ast.Constant) and isinstance(sub.slice.value, str)):
        return  # a string key: a dict, never an array
    if sub.value is not base:
        idx = "..."
    elif isinstance(sub.slice, ast.Tuple):  # unparse would wrap x[:, 0] as (:, 0)
        idx = ", ".join(ast.unparse(e) for e in sub.slice.elts)
    else:
        idx = ast.unparse(sub.slice)
    name = base.id
    if isinstance(stmt, ast.AugAssign):
        method = _AT_METHODS.get(type(stmt.op), "apply")
        fix = f"{name} = {name}.at[{idx}].{method}(v)"
    else:
        fix = f"{name} = {name}.at[{idx}].set(v)"
    yield Hit(stmt, f"item assignment to `{name}` mutates in place: if {name} is a jax array use {fix}")


INPLACE_MUTATION = Rule(
    id="inplace-mutation",
    description="item assignment or torch in-place method (.add_, .zero_ ...) on what may be a jax array",
    notes=("tensors-index-assignment", "tensors-inplace-aliasing"),
    check=check_inplace_mutation,
)
