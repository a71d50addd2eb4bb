"""Which functions are jitted and which of their values are traced (abstract) when jit runs them.

`jax.jit` (or `nnx.jit`) runs a function once with tracers in place of its
array arguments; Python code that needs a concrete value from a tracer
(`if x > 0`, `float(x)`, `x.item()`) fails there. The traced-python rule asks
this module which functions are jitted (decorated, or passed to `jax.jit(...)`),
which names inside them carry traced values, and whether an expression
depends on one.

The trade-off: the analysis is flow-insensitive (a name is traced if any
assignment in the function makes it so) and treats shape, dtype, `is None`
tests, `len()` and `isinstance()` as static, since jit knows them at trace time. A
parameter with a literal default (`training=False`) is taken to be left at its
default, and so static; that misses a traced flag passed explicitly, but
flagging every `if training:` would be mostly noise.
"""

from __future__ import annotations

import ast

from .context import LintContext
from .syntax import functions, param_names, positional_names

JIT_NAMES = {"jax.jit", "flax.nnx.jit", "jax.pmap", "flax.nnx.pmap"}
# Attributes and calls whose value is known at trace time, so branching on them is fine.
STATIC_ATTRS = {"shape", "ndim", "dtype", "size", "itemsize", "nbytes", "weak_type", "sharding", "aval"}
# Attributes of an array that are arrays again (other attribute reads, e.g. a module's
# config flag under nnx.jit, are taken to be static).
ARRAY_ATTRS = {"T", "mT", "real", "imag", "at", "value"}
STATIC_CALLS = {"len", "isinstance", "type", "hasattr", "callable", "issubclass", "id"}
STATIC_JNP = {
    "jax.numpy." + n
    for n in ("issubdtype", "dtype", "result_type", "iinfo", "finfo", "promote_types", "can_cast", "ndim", "shape",
              "size", "isdtype", "isscalar", "iscomplexobj", "isrealobj")
}
STATIC_FUNCS = STATIC_CALLS | STATIC_JNP
# Reductions whose result makes an `if` test depend on array values.
REDUCE_METHODS = {"sum", "mean", "max", "min", "prod", "std", "var", "any", "all", "argmax", "argmin", "norm", "item"}


def jitted_functions(ctx: LintContext) -> dict[ast.AST, set[str]]:
    """Functions compiled with jit, mapped to their static argument names."""
    defs: dict[str, list] = {}
    for fn in functions(ctx.tree):
        defs.setdefault(fn.name, []).append(fn)
    jitted: dict[ast.AST, set[str]] = {}
    for fn in functions(ctx.tree):
        for dec in fn.decorator_list:
            static = _jit_static(ctx, dec, fn)
            if static is not None:
                jitted[fn] = static
    for node in ast.walk(ctx.tree):  # step = jax.jit(train_step, ...)
        if isinstance(node, ast.Call) and ctx.canon(node.func) in JIT_NAMES and node.args:
            target = node.args[0]
            if isinstance(target, ast.Name):
                for fn in defs.get(target.id, []):
                    jitted[fn] = _static_names(node, fn)
    return jitted


def _jit_static(ctx: LintContext, dec: ast.AST, fn) -> set[str] | None:
    """The static argument names if decorator `dec` jits `fn`, else None."""
    if ctx.canon(dec) in JIT_NAMES:
        return set()
    if isinstance(dec, ast.Call):
        name = ctx.canon(dec.func)
        if name in JIT_NAMES:
            return _static_names(dec, fn)
        if name == "functools.partial" and dec.args and ctx.canon(dec.args[0]) in JIT_NAMES:
            return _static_names(dec, fn)
    return None


def _static_names(call: ast.Call, fn) -> set[str]:
    """`static_argnames=("n",)` / `static_argnums=(1,)` of a jit call, as parameter names of `fn`."""
    static: set[str] = set()
    positional = positional_names(fn)
    for k in call.keywords:
        vals = k.value.elts if isinstance(k.value, (ast.Tuple, ast.List)) else [k.value]
        for v in vals:
            if not isinstance(v, ast.Constant):
                continue
            if k.arg == "static_argnames" and isinstance(v.value, str):
                static.add(v.value)
            elif (k.arg == "static_argnums" and isinstance(v.value, int)
                  and -len(positional) <= v.value < len(positional)):
                static.add(positional[v.value])
    return static


def depends_on(ctx: LintContext, expr: ast.AST, traced: set[str]) -> bool:
    """Does `expr` use a traced name, other than through static properties (shape, dtype, `is None`)?"""
    stack = [expr]  # iterative: generated code can nest deeper than Python's recursion limit
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            if node.id in traced:
                return True
            continue
        if isinstance(node, ast.Attribute):
            parent = ctx.parents.get(node)
            is_method = isinstance(parent, ast.Call) and parent.func is node
            if node.attr in STATIC_ATTRS or (not is_method and node.attr not in ARRAY_ATTRS):
                continue
            stack.append(node.value)
            continue
        if isinstance(node, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            continue
        if isinstance(node, ast.Call) and ctx.canon(node.func) in STATIC_FUNCS:
            continue
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def traced_names(ctx: LintContext, fn, static: set[str]) -> set[str]:
    """The names in jitted `fn` that hold traced values: its non-static parameters and whatever is
    computed from them. `def f(x, n=3): y = x * n; k = n + 1` with no static args gives {x, y}."""
    # A parameter with a literal default (training=False) is usually left to its default, which jit
    # does not trace; flagging `if training:` there would mostly be noise.
    a = fn.args
    positional = a.posonlyargs + a.args
    defaulted = {x.arg for x, d in zip(positional[len(positional) - len(a.defaults):], a.defaults)
                 if isinstance(d, ast.Constant)}
    defaulted |= {x.arg for x, d in zip(a.kwonlyargs, a.kw_defaults) if isinstance(d, ast.Constant)}
    traced = {n for n in param_names(fn) if n not in static | defaulted and n not in ("self", "cls")}
    assigns = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign):
            assigns.append((node.targets, node.value))
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
            assigns.append(([node.target], node.value))
        elif isinstance(node, (ast.For, ast.comprehension)):
            assigns.append(([node.target], node.iter))
    changed = True
    while changed:  # flow-insensitive: a name is traced if any assignment makes it so
        changed = False
        for targets, value in assigns:
            if not depends_on(ctx, value, traced):
                continue
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name) and n.id not in traced:
                        traced.add(n.id)
                        changed = True
    return traced


def array_valued_test(ctx: LintContext, test: ast.AST) -> bool:
    """A test that plainly computes on array values: calls jnp, or uses a reduction method's result.

    Used where we do not know which names are traced (an nnx `__call__` that is
    not visibly jitted): `if jnp.any(x > 0):` and `if x.sum() > 0:` qualify,
    `if x.shape[0] > 1:` does not.
    """
    stack = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            continue
        if isinstance(node, ast.Attribute) and node.attr in STATIC_ATTRS:
            continue
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.Call):
            name = ctx.canon(node.func)
            if name in STATIC_FUNCS:
                continue
            if name.startswith("jax.numpy."):
                return True
            if (isinstance(node.func, ast.Attribute) and node.func.attr in REDUCE_METHODS
                    and not ctx.is_module_ref(node.func.value)):
                return True
        stack.extend(ast.iter_child_nodes(node))
    return False
