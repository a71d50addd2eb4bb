"""The dropout-rng rule: randomness without a key stream, in an nnx.Module.

Two pitfalls of explicit PRNG keys: an `nnx.Dropout` built without `rngs=`
(it raises when called with `deterministic=False`), and a key made from a
literal seed inside `__call__` (`jax.random.key(0)`), which draws the same
numbers on every call. The trade-off: the rule only flags a keyless dropout
when `__init__` has `rngs` at hand to pass, or when a call visibly turns
training on; a dropout that is only ever used deterministically is fine.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .context import LintContext
from .rule import Hit, Rule
from .syntax import arg, functions, has_star_kwargs, is_self_attribute, kw, param_names

_KEY_MAKERS = ("jax.random.key", "jax.random.PRNGKey")


def check_dropout_rng(ctx: LintContext) -> Iterator[Hit]:
    for cls in ctx.nnx_classes.values():
        methods = {f.name: f for f in cls.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
        init = methods.get("__init__")
        keyless: set[str] = set()
        if init is not None:
            keyless = _keyless_dropouts(ctx, init)
            yield from _dropout_without_rngs(ctx, init)
        for fn in methods.values():
            if fn is not init:
                yield from _keyless_dropout_calls(fn, keyless)
    for fn in functions(ctx.tree):
        if fn.name == "__call__":
            yield from _fixed_keys(ctx, fn)


def _dropouts(ctx: LintContext, init) -> Iterator[ast.Call]:
    """The `nnx.Dropout(...)` calls in `init` that pass no rngs (nor **kwargs that might hold them)."""
    for node in ast.walk(init):
        if isinstance(node, ast.Call) and ctx.canon(node.func) == "flax.nnx.Dropout":
            if kw(node, "rngs") is None and not has_star_kwargs(node):
                yield node


def _dropout_without_rngs(ctx: LintContext, init) -> Iterator[Hit]:
    """nnx.Dropout(...) without rngs where `__init__` has rngs to give it."""
    if "rngs" not in param_names(init):
        return
    for node in _dropouts(ctx, init):
        yield Hit(node, "nnx.Dropout(...) without rngs=: pass rngs=rngs so training mode has a key "
                        "(without it a call with deterministic=False raises)")


def _keyless_dropouts(ctx: LintContext, init) -> set[str]:
    """The `self` attributes that hold a dropout built without rngs."""
    keyless: set[str] = set()
    for node in _dropouts(ctx, init):
        parent = ctx.parents.get(node)
        if isinstance(parent, ast.Assign):
            keyless.update(t.attr for t in parent.targets if is_self_attribute(t))
    return keyless


def _keyless_dropout_calls(fn, keyless: set[str]) -> Iterator[Hit]:
    if not keyless:
        return
    for node in ast.walk(fn):
        if not (isinstance(node, ast.Call) and is_self_attribute(node.func) and node.func.attr in keyless):
            continue
        det = kw(node, "deterministic")
        if (det is not None and isinstance(det.value, ast.Constant) and det.value.value is False
                and kw(node, "rngs") is None and not has_star_kwargs(node)):
            yield Hit(node, f"self.{node.func.attr} is an nnx.Dropout built without rngs and called with "
                            "deterministic=False: give it rngs=rngs in __init__ (or pass rngs= here), else it raises")


def _fixed_keys(ctx: LintContext, fn) -> Iterator[Hit]:
    def literal_key(n: ast.AST) -> bool:
        return (isinstance(n, ast.Call) and ctx.canon(n.func) in _KEY_MAKERS
                and bool(n.args) and all(isinstance(a, ast.Constant) for a in n.args))

    fixed = {t.id for node in ast.walk(fn) if isinstance(node, ast.Assign) and literal_key(node.value)
             for t in node.targets if isinstance(t, ast.Name)}
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        name = ctx.canon(node.func)
        if not name.startswith("jax.random.") or name in _KEY_MAKERS:
            continue
        key = arg(node, 0, "key")
        if key is not None and (literal_key(key) or (isinstance(key, ast.Name) and key.id in fixed)):
            yield Hit(node, "a fixed PRNG key inside __call__ gives the same random numbers on every call: draw keys "
                            "from an nnx.Rngs stream (keep rngs from __init__, e.g. self.rngs.dropout()) "
                            "or take a key argument",
                      "tensors-random-keys")


DROPOUT_RNG = Rule(
    id="dropout-rng",
    description="nnx.Dropout without rngs, or a fixed PRNG key inside __call__",
    notes=("modules-dropout-rate-rngs", "tensors-random-keys"),
    check=check_dropout_rng,
)
