"""The code-handler registry and the small API handler modules are written against.

A handler translates one torch API whose mapping a data rule cannot express:

    @register("torch.nn.functional.pad")
    def _pad(tr, args, keywords):                  # arguments already translated to JAX
        b = bind("torch.nn.functional.pad", ["input", "pad", "mode", "value"], args, keywords)
        need(tr, "t2j_pad")                         # paste the runtime helper into the translation
        return call("t2j_pad", b.pop("input"), **b)  # the JAX expression, or raise Unsupported

`register` files a handler in one of three tables, chosen by the API's own name:
`torch.Tensor.*` is a tensor method (its receiver arrives as `args[0]`), a `torch.nn` class
(`apis.is_layer_api`: `torch.nn.Conv2d`) is a module constructor met in `__init__`, anything
else is a function. `tr` is the expression translator; `tr.ctx` is the unit's `Context`.
The tables are filled by importing `t2j_rag.rules.handlers`, whose `__init__` lists every
handler module; the engine reads them through that package.

The trade-off: the table follows from the API's name, so there is one decorator and no kind
argument to get wrong, but a torch API spelled unlike its kind cannot have a handler; the same
predicate decides what the unit splitter treats as a layer, so the two cannot disagree.
"""

from __future__ import annotations

import ast

from ..apis import is_layer_api

FUNCTION_HANDLERS: dict = {}
METHOD_HANDLERS: dict = {}
LAYER_HANDLERS: dict = {}

MISSING = object()
# torch dtype spellings -> jax.numpy (int64 becomes int32: JAX's default integer without x64).
DTYPES = {
    "float32": "jnp.float32", "float": "jnp.float32", "float16": "jnp.float16", "half": "jnp.float16",
    "bfloat16": "jnp.bfloat16", "float64": "jnp.float64", "double": "jnp.float64",
    "int64": "jnp.int32", "long": "jnp.int32", "int32": "jnp.int32", "int": "jnp.int32", "int16": "jnp.int16",
    "int8": "jnp.int8", "uint8": "jnp.uint8", "bool": "jnp.bool_", "complex64": "jnp.complex64",
}
# Keywords that only say where or how PyTorch allocates; `bind` drops them unless told otherwise.
PLACEMENT = ("device", "requires_grad", "out", "memory_format", "non_blocking", "copy", "layout", "pin_memory")
RNGS = {"rngs": ast.Name("rngs", ast.Load())}  # `**RNGS`: the constructor keyword of a layer with parameters


class Unsupported(Exception):
    """Raised inside the translation of a statement; the statement is kept with a TODO comment."""

    def __init__(self, construct: str, reason: str) -> None:
        super().__init__(f"{construct}: {reason}")
        self.construct, self.reason = construct, reason


def table_for(api: str) -> dict:
    """The table that holds `api`'s handler: methods, layer constructors or functions."""
    if api.startswith("torch.Tensor."):
        return METHOD_HANDLERS
    return LAYER_HANDLERS if is_layer_api(api) else FUNCTION_HANDLERS


def register(*apis: str, rename_unsupported: bool = False):
    """Decorator: `handler(tr, args, keywords) -> ast.expr` translates each of `apis`.

    With rename_unsupported, an Unsupported the handler raises names the API as it was called
    (`torch.Tensor.sort` for `x.sort()`), for a handler written against the function's name.
    Registering an API twice is an error: one API, one handler.
    """
    def deco(handler):
        for api in apis:
            table = table_for(api)
            if api in table:
                raise ValueError(f"{api} has two handlers: {table[api].__qualname__} and {handler.__qualname__}")
            table[api] = _renaming(handler, api) if rename_unsupported else handler
        return handler
    return deco


def _renaming(handler, api: str):
    def renamed(tr, args, keywords):
        try:
            return handler(tr, args, keywords)
        except Unsupported as exc:
            raise Unsupported(api, exc.reason) from None
    renamed.__qualname__ = handler.__qualname__
    return renamed


# --- building JAX expressions ------------------------------------------------------------


def jexpr(text: str) -> ast.expr:
    """An expression node from source text: jexpr("jnp.float32")."""
    return ast.parse(text, mode="eval").body


def call(func: str, *args: ast.expr, **kwargs: ast.expr) -> ast.Call:
    """call("jnp.sum", x, axis=ast.Constant(1)) -> the node for `jnp.sum(x, axis=1)`."""
    return ast.Call(func=jexpr(func), args=list(args),
                    keywords=[ast.keyword(arg=k, value=v) for k, v in kwargs.items()])


def literal(node: ast.AST):
    """The Python value of a literal node (numbers, strings, booleans, None, negatives), else MISSING."""
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return MISSING


def is_none(node) -> bool:
    """An omitted argument (None) or a literal `None`."""
    return node is None or (isinstance(node, ast.Constant) and node.value is None)


def is_dtype(node: ast.expr) -> bool:
    """A translated dtype such as `jnp.float32`."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "jnp" \
        and node.attr in {d.split(".")[1] for d in DTYPES.values()}


def shape(args: list) -> ast.expr:
    """`f(2, 3)`, `f((2, 3))`, `f(*s)` or `f(s)` -> one shape expression."""
    if len(args) == 1 and not isinstance(args[0], ast.Starred):
        return args[0]
    return ast.Tuple(elts=list(args), ctx=ast.Load())


def bind(api: str, params: list[str], args: list, keywords: list, drop=PLACEMENT) -> dict:
    """Parameter name -> argument node, by PyTorch's positional order `params`; a keyword in `drop`
    vanishes, any other unknown keyword (or a *args) is Unsupported.

    bind("torch.flatten", ["input", "start_dim"], [x], [keyword(start_dim=1)]) -> {"input": x, "start_dim": 1}
    """
    bound = {}
    if len(args) > len(params):
        raise Unsupported(api, f"{len(args)} positional arguments, expected at most {len(params)}")
    for name, a in zip(params, args):
        if isinstance(a, ast.Starred):
            raise Unsupported(api, "a *args argument here is not handled")
        bound[name] = a
    for k in keywords:
        if k.arg in drop:
            continue
        if k.arg not in params:
            raise Unsupported(api, f"keyword '{k.arg}' is not handled")
        bound[k.arg] = k.value
    return bound


# --- what the translation needs ------------------------------------------------------------


def need(tr, *helpers: str) -> None:
    """Paste these runtime helpers (and what they use) into the translation."""
    tr.ctx.helpers.update(helpers)


def partial(tr, helper: str, **keywords: ast.expr) -> ast.expr:
    """`functools.partial(helper, **keywords)`: a parameter-free module becomes a function, so the
    call site `self.m(x)` keeps working."""
    need(tr, helper)
    tr.ctx.uses_functools = True
    return call("functools.partial", jexpr(helper), **keywords)


def require_literal(api: str, bound: dict, name: str, allowed, note: str) -> None:
    """Accept `bound[name]` only if it is absent or a literal in `allowed`; otherwise Unsupported."""
    if name not in bound:
        return
    value = literal(bound[name])
    if value is MISSING or value not in allowed:
        raise Unsupported(api, f"{name}={ast.unparse(bound[name])} is not handled (note {note})")


def literal_value(api: str, node: ast.expr, what: str, note: str):
    """The literal value of `node`, or Unsupported naming `what` and the note that explains why."""
    value = literal(node)
    if value is MISSING:
        raise Unsupported(api, f"{what}={ast.unparse(node)} must be a literal (note {note})")
    return value


# --- handler factories for the common shapes of a handler ------------------------------------


def helper_handler(api: str, helper: str, params: list[str], fixed: tuple = (), keyword_from: int = 1,
                   rename: dict[str, str] | None = None):
    """A handler that binds torch's `params` and calls `helper(first..., *fixed, **rest)`.

    The first `keyword_from` parameters are required and passed positionally, then the literal
    `fixed` arguments (a helper's mode switch); the rest go by keyword under their torch names
    (or `rename[name]`), which the helpers share, so a call site reads like the PyTorch line.
    """
    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords)
        missing = [p for p in params[:keyword_from] if p not in b]
        if missing:
            raise Unsupported(api, f"missing argument(s) {', '.join(missing)}")
        need(tr, helper)
        lead = [b.pop(p) for p in params[:keyword_from]]
        return call(helper, *lead, *[ast.Constant(v) for v in fixed],
                    **{(rename or {}).get(k, k): v for k, v in b.items()})
    return handler


def partial_handler(api: str, helper: str, params: list[str], required: int, fixed: dict | None = None):
    """A layer-constructor handler for a parameter-free module: `functools.partial(helper, **bound)`,
    the first `required` parameters being required and `fixed` literal keywords added."""
    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords, drop=())
        missing = [p for p in params[:required] if p not in b]
        if missing:
            raise Unsupported(api, f"missing required argument(s) {', '.join(missing)}")
        return partial(tr, helper, **b, **{k: ast.Constant(v) for k, v in (fixed or {}).items()})
    return handler
