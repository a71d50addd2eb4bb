"""Binding the arguments of one torch call to torch's parameter names, and the record a mapping returns.

The mapping functions of `data.py`, `checkpoints.py` and `random.py` all work the same way: the
engine hands them the torch API name and the call's arguments as `ast` nodes (already translated
to JAX by the engine, so `torch.float32` arrives as `jnp.float32`; the untranslated torch spellings
are accepted too), they bind the arguments with torch's signature, and they return a `Mapped`:
the JAX expression plus the runtime helpers it needs pasted. Anything they cannot translate
faithfully raises `Unsupported(construct, reason)`, so the engine keeps the line with a TODO.

The trade-off: each API lists torch's full parameter order and which options vanish, so a call
with an option the mapping does not know is reported instead of silently dropped.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ...apis import dotted
from ..registry import Unsupported

# torch dtype names -> the JAX dtype a translation uses (64-bit integers become JAX's default int32,
# as in the rest of the engine, because jax_enable_x64 is off by default).
JAX_DTYPES = {
    "float32": "jnp.float32", "float": "jnp.float32", "float16": "jnp.float16", "half": "jnp.float16",
    "bfloat16": "jnp.bfloat16", "float64": "jnp.float64", "double": "jnp.float64",
    "int64": "jnp.int32", "long": "jnp.int32", "int32": "jnp.int32", "int": "jnp.int32", "int16": "jnp.int16",
    "int8": "jnp.int8", "uint8": "jnp.uint8", "bool": "jnp.bool_", "complex64": "jnp.complex64",
}


@dataclass(frozen=True)
class Mapped:
    """The JAX expression for one torch call, and the runtime helpers (by name) it needs pasted."""

    expr: ast.expr
    helpers: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return ast.unparse(self.expr)


@dataclass(frozen=True)
class Signature:
    """torch's parameters for one API: positional order (receiver first, named "self", for methods),
    keyword-only names, and options that vanish in the translation (workers, devices, pickling knobs)."""

    params: tuple[str, ...]
    keyword_only: tuple[str, ...] = ()
    dropped: frozenset[str] = frozenset()
    variadic: str | None = None  # a leading *name parameter (torch.rand(*size)) collecting positionals


def bind(api: str, sig: Signature, args: list[ast.expr], keywords: list[ast.keyword]) -> dict[str, ast.expr]:
    """Torch parameter name -> argument node; dropped options are left out.

    bind("torch.utils.data.DataLoader", DATALOADER, [ds, 32], [shuffle=True, num_workers=4])
    -> {"dataset": ds, "batch_size": 32, "shuffle": True}.
    """
    bound: dict[str, ast.expr] = {}
    if sig.variadic is not None:
        bound[sig.variadic] = ast.Tuple(elts=list(args), ctx=ast.Load()) if args else None
        args = []
    elif any(isinstance(a, ast.Starred) for a in args):
        raise Unsupported(api, "a *args argument cannot be matched to torch's parameters")
    if len(args) > len(sig.params):
        raise Unsupported(api, f"{len(args)} positional arguments, torch takes at most {len(sig.params)}")
    bound.update(zip(sig.params, args))
    for kw in keywords:
        if kw.arg is None:
            raise Unsupported(api, "a **kwargs argument cannot be matched to torch's parameters")
        if kw.arg in sig.dropped:
            continue
        if kw.arg == "out":
            raise Unsupported(api, "out= writes into an existing tensor; JAX arrays are immutable")
        if kw.arg not in sig.params and kw.arg not in sig.keyword_only and kw.arg != sig.variadic:
            raise Unsupported(api, f"keyword '{kw.arg}' is not an argument torch accepts here")
        if kw.arg in bound and bound[kw.arg] is not None:
            raise Unsupported(api, f"'{kw.arg}' is given twice")
        bound[kw.arg] = kw.value
    for name in sig.dropped:
        bound.pop(name, None)
    return {name: node for name, node in bound.items() if node is not None}


def literal(node: ast.expr | None, default=None):
    """The Python value of a literal node (`None` if it is not a literal); `default` for a missing node."""
    if node is None:
        return default
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def is_literal(node: ast.expr | None, *values) -> bool:
    """True when node is a literal equal to one of values (booleans and numbers kept apart)."""
    if node is None:
        return False
    try:
        got = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return any(got == v and type(got) is type(v) for v in values)


def expr(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def call(func: str | ast.expr, *args: ast.expr, **keywords: ast.expr | None) -> ast.Call:
    """`func(*args, **keywords)`, leaving out keywords whose value is None."""
    return ast.Call(func=expr(func) if isinstance(func, str) else func, args=list(args),
                    keywords=[ast.keyword(arg=k, value=v) for k, v in keywords.items() if v is not None])


def key_from(stream: ast.expr) -> ast.Call:
    """A fresh key from an nnx.Rngs expression: `rngs` -> `rngs()`."""
    return ast.Call(func=stream, args=[], keywords=[])


def jax_dtype(node: ast.expr | None) -> ast.expr | None:
    """A dtype argument as JAX spells it: `torch.long` or `jnp.int32` -> `jnp.int32`; others unchanged."""
    if node is None:
        return None
    root, _, attr = (dotted(node) or "").rpartition(".")
    if root == "torch" and attr in JAX_DTYPES:
        return expr(JAX_DTYPES[attr])
    return node


def is_integer_dtype(node: ast.expr | None) -> bool:
    """jnp.int32 / jnp.uint8 ... (after jax_dtype); a dtype held in a variable counts as not integer."""
    name = dotted(node) if node is not None else None
    return bool(name) and name.startswith("jnp.") and ("int" in name.split(".", 1)[1])
