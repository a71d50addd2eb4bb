"""Small `ast` helpers the lint rules share: arguments of a call, literal numbers, functions and scopes.

They read syntax only: `number` knows `-1e-5` but not `EPS`, `arg` finds an
argument by position or keyword but gives up behind a `*args`. A rule that gets
None back stays silent, which is the linter's policy when in doubt.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..aliases import dotted, resolve


def canonical(node: ast.AST, aliases: dict[str, str]) -> str:
    """`jnp.sum` -> `jax.numpy.sum` through `aliases`; a name no import binds stays as written (`len`),
    and an expression that is not a dotted name gives ""."""
    return resolve(node, aliases) or dotted(node) or ""


def kw(call: ast.Call, name: str) -> ast.keyword | None:
    for k in call.keywords:
        if k.arg == name:
            return k
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    return any(k.arg is None for k in call.keywords)


def number(node: ast.AST | None):
    """A numeric literal's value (negative numbers included), else None: `-1e-5` -> -1e-05, `True` -> None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v = number(node.operand)
        return -v if v is not None else None
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    return None


def int_tuple(node: ast.AST | None) -> tuple | None:
    """`(0, 2, 3, 1)` or `[0, 2, 3, 1]` as a tuple of ints, else None."""
    if isinstance(node, (ast.Tuple, ast.List)):
        vals = [number(e) for e in node.elts]
        if all(isinstance(v, int) for v in vals):
            return tuple(vals)
    return None


def arg(call: ast.Call, index: int, name: str) -> ast.AST | None:
    """The argument given as keyword `name` or at position `index` (None behind a `*args`)."""
    k = kw(call, name)
    if k is not None:
        return k.value
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return None


def fmt(v: float) -> str:
    return f"{v:g}"


def same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def param_names(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    names += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
    return names


def positional_names(fn) -> list[str]:
    return [x.arg for x in fn.args.posonlyargs + fn.args.args]


def scope_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of one scope, without descending into nested functions (they are scopes of their own)."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))


def is_self_attribute(node: ast.AST) -> bool:
    """`self.x` (a target or reference to an attribute of the instance)."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
