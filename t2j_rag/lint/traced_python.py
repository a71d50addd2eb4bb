"""The traced-python rule: Python control flow and host conversions on traced values inside jit.

`.item()`, `float(x)` and `if x > 0:` need a concrete value, which a tracer
does not have, so they raise under `jax.jit` (ConcretizationTypeError,
TracerBoolConversionError). Inside visibly jitted functions the rule follows
the traced names (`traced.py`); inside an nnx.Module `__call__`, which callers
usually jit but this file may not show, it only flags tests that plainly
compute on arrays, since it cannot tell which arguments will be traced.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .context import LintContext
from .rule import Hit, Rule
from .traced import array_valued_test, depends_on, jitted_functions, traced_names


def check_traced_python(ctx: LintContext) -> Iterator[Hit]:
    jitted = jitted_functions(ctx)
    for fn, static in jitted.items():
        traced = traced_names(ctx, fn, static)
        for node in ast.walk(fn):
            yield from _item_call(ctx, node, "a jitted function")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("float", "int", "bool") and node.func.id not in ctx.aliases
                    and len(node.args) == 1 and depends_on(ctx, node.args[0], traced)):
                yield Hit(node, f"`{node.func.id}(...)` of a traced value inside a jitted function fails "
                                "(ConcretizationTypeError): keep it as an array, or mark the argument static")
            if isinstance(node, (ast.If, ast.While, ast.IfExp)) and depends_on(ctx, node.test, traced):
                yield _branch(node, "a jitted function")
    for cls in ctx.nnx_classes.values():
        for fn in cls.body:
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.name != "__call__":
                continue
            if fn in jitted:
                continue
            for node in ast.walk(fn):
                yield from _item_call(ctx, node, "an nnx.Module __call__ (which is usually jitted)")
                if isinstance(node, (ast.If, ast.While)) and array_valued_test(ctx, node.test):
                    yield _branch(node, "__call__ (which is usually jitted)")


def _item_call(ctx: LintContext, node: ast.AST, where: str) -> Iterator[Hit]:
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("item", "tolist") and not node.args and not node.keywords
            and not ctx.is_module_ref(node.func.value)):
        yield Hit(node, f"`.{node.func.attr}()` inside {where} fails on a tracer (ConcretizationTypeError): "
                        "keep the value as a jax array, or convert outside jit")


def _branch(node: ast.AST, where: str) -> Hit:
    kind = {ast.If: "if", ast.While: "while", ast.IfExp: "if-expression"}[type(node)]
    fix = "jax.lax.while_loop" if kind == "while" else "jnp.where(cond, a, b) or jax.lax.cond"
    return Hit(node, f"Python `{kind}` on an array value inside {where} raises TracerBoolConversionError under "
                     f"jit: use {fix}, or make the deciding argument static")


TRACED_PYTHON = Rule(
    id="traced-python",
    description=".item(), float(), Python if/while on a traced value inside jit or an nnx __call__",
    notes=("lint-traced-python",),
    check=check_traced_python,
)
