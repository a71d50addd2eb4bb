"""Bind a PyTorch call's ast arguments to its signature, read literals, and build the calls we emit.

A signature is written once as the text of a Python parameter list
(`"params, lr=1e-3, momentum=0, *, maximize=False"`), parsed with `ast`, so the
defaults are ast nodes like the arguments and the specs read like PyTorch's
documentation. Binding returns every parameter as an ast node, given or default.

The trade-off: binding is syntactic. A `*args` / `**kwargs` in the call cannot be
bound without running the program, so it is reported as unsupported rather than
guessed; names and attribute reads are embedded as given, and only literals are
inspected (a non-literal value must not change the structure we emit, or the
translation says so).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from ..registry import Unsupported

MISSING = object()


@dataclass(frozen=True)
class Signature:
    """A PyTorch signature: positional names in order, keyword-only names, defaults as ast nodes."""

    positional: tuple[str, ...]
    keyword_only: tuple[str, ...]
    defaults: dict[str, ast.expr]

    @classmethod
    def parse(cls, text: str) -> "Signature":
        """`Signature.parse("optimizer, gamma, last_epoch=-1")` -> positional ("optimizer", "gamma", "last_epoch")."""
        args = ast.parse(f"def f({text}): pass").body[0].args
        positional = tuple(a.arg for a in args.args)
        defaults = dict(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        for a, d in zip(args.kwonlyargs, args.kw_defaults):
            if d is not None:
                defaults[a.arg] = d
        return cls(positional, tuple(a.arg for a in args.kwonlyargs), defaults)

    @property
    def names(self) -> tuple[str, ...]:
        return self.positional + self.keyword_only


def bind(construct: str, signature: Signature, args: Sequence[ast.expr],
         keywords: Sequence[ast.keyword]) -> dict[str, ast.expr]:
    """Every parameter of `signature` -> the ast node passed for it, or its default."""
    bound: dict[str, ast.expr] = {}
    if len(args) > len(signature.positional):
        raise Unsupported(construct, f"takes at most {len(signature.positional)} positional arguments")
    for name, node in zip(signature.positional, args):
        if isinstance(node, ast.Starred):
            raise Unsupported(construct, "*args in the call cannot be bound to parameters without running it")
        bound[name] = node
    for kw in keywords:
        if kw.arg is None:
            raise Unsupported(construct, "**kwargs in the call cannot be bound to parameters without running it")
        if kw.arg not in signature.names:
            raise Unsupported(construct, f"unknown argument {kw.arg}=")
        if kw.arg in bound:
            raise Unsupported(construct, f"argument {kw.arg} given twice")
        bound[kw.arg] = kw.value
    for name in signature.names:
        if name not in bound:
            if name not in signature.defaults:
                raise Unsupported(construct, f"missing required argument {name}")
            bound[name] = signature.defaults[name]
    return bound


def literal(node: ast.expr | None):
    """The Python value of a literal node (`1e-3`, `-1`, `(0.9, 0.999)`, `True`), else MISSING."""
    if node is None:
        return MISSING
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return MISSING


def is_literal(node: ast.expr | None, value) -> bool:
    """The node is a literal equal to `value` (and of the same truthiness kind: 0 == False is not enough)."""
    v = literal(node)
    return v is not MISSING and type(v) is not tuple and v == value and isinstance(v, bool) == isinstance(value, bool)


def flag(construct: str, name: str, node: ast.expr) -> bool:
    """A boolean option that decides what we emit must be a literal True/False."""
    v = literal(node)
    if not isinstance(v, bool) and v not in (0, 1):
        raise Unsupported(construct, f"{name}= must be a literal True or False: it decides which transformation "
                                     f"reproduces the update")
    return bool(v)


def as_float(node: ast.expr) -> ast.expr:
    """A numeric literal as a float constant (`1` -> `1.0`): an injected hyperparameter keeps the dtype it
    starts with, and an int learning rate would truncate every later value a scheduler sets."""
    v = literal(node)
    if isinstance(v, int) and not isinstance(v, bool):
        return ast.Constant(float(v))
    return node


def constant(value) -> ast.expr:
    """An ast node for a plain Python value (numbers, strings, booleans, None, tuples)."""
    return ast.parse(repr(value), mode="eval").body


def dotted_name(name: str) -> ast.expr:
    """`"optax.scale_by_adam"` -> the Attribute chain."""
    head, *rest = name.split(".")
    node: ast.expr = ast.Name(head, ast.Load())
    for part in rest:
        node = ast.Attribute(node, part, ast.Load())
    return node


def call(func: str | ast.expr, *args: ast.expr, **keywords: ast.expr | None) -> ast.Call:
    """`call("optax.adam", lr, b1=b1, eps=None)` -> `optax.adam(lr, b1=b1)` (None keywords are omitted)."""
    f = dotted_name(func) if isinstance(func, str) else func
    return ast.Call(f, list(args), [ast.keyword(k, v) for k, v in keywords.items() if v is not None])


def names_in(*nodes: ast.AST | None) -> set[str]:
    """Every identifier read in the given nodes (to pick lambda parameter names that shadow nothing)."""
    found: set[str] = set()
    for node in nodes:
        if node is not None:
            found.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
            found.update(a.arg for n in ast.walk(node) if isinstance(n, ast.Lambda) for a in n.args.args)
    return found


def fresh_name(taken: set[str], *candidates: str) -> str:
    """The first candidate not in `taken` (then the last one with a numeric suffix)."""
    for name in candidates:
        if name not in taken:
            return name
    i = 1
    while f"{candidates[-1]}{i}" in taken:
        i += 1
    return f"{candidates[-1]}{i}"


def short_api(api: str, package: str) -> str | None:
    """`short_api("torch.optim.adam.Adam", "torch.optim")` -> "Adam"; None if the API is not in the package."""
    if api != package and not api.startswith(package + "."):
        return None
    return api.rsplit(".", 1)[-1]
