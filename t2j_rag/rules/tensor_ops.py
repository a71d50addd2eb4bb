"""Code handlers for torch tensor functions and Tensor methods that a one-line data rule cannot express:
results that are (values, indices) pairs (sort, topk, kthvalue, median, cummax), updates along a
dimension (scatter*, index_add/copy/fill), argument orders that differ from jax.numpy (searchsorted,
bucketize, Tensor.where), variadic method shapes (Tensor.tile), rounding modes, and the legacy
positional forms of std_mean/var_mean. Plain renames of the same family are data rules in
`corpus/notes/rules-tensor-functions-more.md`; each handler here names that note when it refuses.

The trade-off: handlers accept only the options whose PyTorch meaning they reproduce; any other
option (a non-literal rounding mode, a data-dependent output shape, a random draw) is reported
with `Unsupported` so the line stays a TODO instead of becoming a plausible but different call.
"""

from __future__ import annotations

import ast

from .calls import _MISSING, literal
from .context import Unsupported
from .expressions import call
from .special import HANDLERS, METHOD_HANDLERS, _bind, _need, _shape

NOTE = "note rules-tensor-functions-more"


def _register(names: list[str], handler, function: bool = True, method: bool = True) -> None:
    """Register `handler(tr, args, keywords)` (receiver first for methods) as torch.X and torch.Tensor.X."""
    for name in names:
        if function:
            HANDLERS[f"torch.{name}"] = handler
        if method:
            METHOD_HANDLERS[f"torch.Tensor.{name}"] = _as_method(handler, f"torch.Tensor.{name}")


def _as_method(handler, api: str):
    """The method form passes the receiver as `input`; a refusal names the method the user wrote."""
    def method(tr, recv, args, keywords):
        try:
            return handler(tr, [recv, *args], keywords)
        except Unsupported as exc:
            raise Unsupported(api, exc.reason) from None
    return method


def _helper_handler(api: str, helper: str, params: list[str], fixed: tuple = (), keyword_from: int = 1):
    """A handler that binds torch's parameters and calls `helper(first..., **rest)`.

    `fixed` are literal arguments inserted after the first `keyword_from` parameters (the helper's
    mode switch); parameters after those are passed by keyword under their torch names, which the
    helpers share, so a call site reads like the PyTorch line.
    """
    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords)
        missing = [p for p in params[:keyword_from] if p not in b]
        if missing:
            raise Unsupported(api, f"missing argument(s) {', '.join(missing)}")
        _need(tr, helper)
        lead = [b.pop(p) for p in params[:keyword_from]]
        return call(helper, *lead, *[ast.Constant(v) for v in fixed], **b)
    return handler


def _literal_or_fail(api: str, node, what: str):
    value = literal(node)
    if value is _MISSING:
        raise Unsupported(api, f"{what}={ast.unparse(node)} must be a literal ({NOTE})")
    return value


# --- division with a rounding mode ---------------------------------------------------


def _divide(tr, args, keywords):
    b = _bind("torch.divide", ["input", "other", "rounding_mode"], args, keywords)
    mode = _literal_or_fail("torch.divide", b["rounding_mode"], "rounding_mode") if "rounding_mode" in b else None
    if mode is None:
        return call("jnp.true_divide", b["input"], b["other"])
    if mode == "floor":
        return call("jnp.floor_divide", b["input"], b["other"])
    if mode == "trunc":
        _need(tr, "t2j_div_trunc")
        return call("t2j_div_trunc", b["input"], b["other"])
    raise Unsupported("torch.divide", f"rounding_mode={mode!r} is not a PyTorch rounding mode")


_register(["divide"], _divide)
# torch.true_divide / floor_divide / fmod / remainder are data rules (note tensors-int-division);
# their method spellings are added here without touching that note.
for _name, _fn in (("true_divide", "jnp.true_divide"), ("floor_divide", "jnp.floor_divide"), ("fmod", "jnp.fmod"),
                   ("remainder", "jnp.remainder")):
    METHOD_HANDLERS[f"torch.Tensor.{_name}"] = (lambda fn, n: lambda tr, recv, args, keywords: call(
        fn, *_bind(f"torch.Tensor.{n}", ["input", "other"], [recv, *args], keywords).values()))(_fn, _name)


# --- arithmetic with several tensors ---------------------------------------------------


def _addc(op):
    api = f"torch.addc{'mul' if isinstance(op, ast.Mult) else 'div'}"

    def handler(tr, args, keywords):
        b = _bind(api, ["input", "tensor1", "tensor2", "value"], args, keywords)
        prod = ast.BinOp(left=b["tensor1"], op=op, right=b["tensor2"])
        if "value" in b:
            prod = ast.BinOp(left=b["value"], op=ast.Mult(), right=prod)
        return ast.BinOp(left=b["input"], op=ast.Add(), right=prod)
    return handler


_register(["addcmul"], _addc(ast.Mult()))
_register(["addcdiv"], _addc(ast.Div()))
_register(["lerp"], _helper_handler("torch.lerp", "t2j_lerp", ["input", "end", "weight"], keyword_from=3))
_register(["logit"], _helper_handler("torch.logit", "t2j_logit", ["input", "eps"]))
_register(["xlogy"], _helper_handler("torch.xlogy", "t2j_xlogy", ["input", "other"], keyword_from=2))
_register(["renorm"], _helper_handler("torch.renorm", "t2j_renorm", ["input", "p", "dim", "maxnorm"], keyword_from=4))
_register(["cross"], _helper_handler("torch.cross", "t2j_cross", ["input", "other", "dim"], keyword_from=2))
_register(["frac"], lambda tr, args, kw: call(
    "jnp.fmod", _bind("torch.frac", ["input"], args, kw)["input"], ast.Constant(1.0)))  # x - trunc(x), exactly
_register(["clamp_min"], lambda tr, args, kw: call(
    "jnp.maximum", *_bind("torch.clamp_min", ["input", "min"], args, kw).values()))
_register(["clamp_max"], lambda tr, args, kw: call(
    "jnp.minimum", *_bind("torch.clamp_max", ["input", "max"], args, kw).values()))


# --- (values, indices) results -----------------------------------------------------------


_register(["sort"], _helper_handler("torch.sort", "t2j_sort", ["input", "dim", "descending", "stable"]))
_register(["topk"], _helper_handler("torch.topk", "t2j_topk", ["input", "k", "dim", "largest", "sorted"],
                                    keyword_from=2))
_register(["kthvalue"], _helper_handler("torch.kthvalue", "t2j_kthvalue", ["input", "k", "dim", "keepdim"],
                                        keyword_from=2))
_register(["median"], _helper_handler("torch.median", "t2j_median", ["input", "dim", "keepdim"]))
_register(["cummax"], _helper_handler("torch.cummax", "t2j_cumextreme", ["input", "dim"], ("max",), keyword_from=2))
_register(["cummin"], _helper_handler("torch.cummin", "t2j_cumextreme", ["input", "dim"], ("min",), keyword_from=2))
_register(["logcumsumexp"], _helper_handler("torch.logcumsumexp", "t2j_logcumsumexp", ["input", "dim"],
                                            keyword_from=2))
_register(["aminmax"], _helper_handler("torch.aminmax", "t2j_aminmax", ["input", "dim", "keepdim"]))


def _argsort(tr, args, keywords):
    b = _bind("torch.argsort", ["input", "dim", "descending", "stable"], args, keywords)
    # PyTorch's CPU sort keeps equal values in their original order even when stable=False.
    b.pop("stable", None)
    extra = {{"dim": "axis"}.get(k, k): v for k, v in b.items() if k != "input"}
    return call("jnp.argsort", b["input"], stable=ast.Constant(True), **extra)


_register(["argsort"], _argsort)


def _stat_call(tr, kind, b, api):
    if "unbiased" in b and "correction" in b:
        raise Unsupported(api, "both unbiased= and correction= given")
    if "unbiased" in b:
        unbiased = _literal_or_fail(api, b.pop("unbiased"), "unbiased")
        b["correction"] = ast.Constant(1 if unbiased else 0)
    _need(tr, "t2j_stat_mean")
    x = b.pop("input")
    return call("t2j_stat_mean", x, ast.Constant(kind), **b)


def _stat_mean_handler(kind):
    api = f"torch.{kind}_mean"

    def handler(tr, args, keywords):
        args = list(args)
        if len(args) == 2 and isinstance(literal(args[1]), bool):
            # torch.std_mean(x, False): the second positional argument is `unbiased`.
            keywords = [*keywords, ast.keyword(arg="unbiased", value=args.pop())]
        b = _bind(api, ["input", "dim", "unbiased", "keepdim", "correction"], args, keywords)
        return _stat_call(tr, kind, b, api)
    return handler


_register(["std_mean"], _stat_mean_handler("std"), method=False)
_register(["var_mean"], _stat_mean_handler("var"), method=False)


# --- slicing and selection ---------------------------------------------------------------


_register(["narrow"], _helper_handler("torch.narrow", "t2j_narrow", ["input", "dim", "start", "length"],
                                      keyword_from=4))


def _select(tr, args, keywords):
    b = _bind("torch.select", ["input", "dim", "index"], args, keywords)
    return call("jnp.take", b["input"], b["index"], axis=b["dim"])


_register(["select"], _select)


def _where_method(tr, recv, args, keywords):
    b = _bind("torch.Tensor.where", ["condition", "other"], args, keywords)
    # x.where(cond, y): x is the value where cond holds (torch.where(cond, x, y)).
    return call("jnp.where", b["condition"], recv, b["other"])


METHOD_HANDLERS["torch.Tensor.where"] = _where_method


def _tile_method(tr, recv, args, keywords):
    if keywords:
        args = [_bind("torch.Tensor.tile", ["dims"], [], keywords)["dims"]]
    return call("jnp.tile", recv, _shape(args))


METHOD_HANDLERS["torch.Tensor.tile"] = _tile_method


def _take(tr, args, keywords):
    b = _bind("torch.take", ["input", "index"], args, keywords)
    # torch.take indexes the flattened input, as jnp.take does without an axis.
    return call("jnp.take", b["input"], b["index"])


_register(["take"], _take)


def _take_along_dim_method(tr, recv, args, keywords):
    b = _bind("torch.Tensor.take_along_dim", ["indices", "dim"], args, keywords)
    return call("jnp.take_along_axis", recv, b["indices"], axis=b.get("dim", ast.Constant(None)))


METHOD_HANDLERS["torch.Tensor.take_along_dim"] = _take_along_dim_method


# --- updates along a dimension -------------------------------------------------------------


def _index_update(kind):
    api = f"torch.index_{kind}"
    params = ["input", "dim", "index", "value" if kind == "fill" else "source"] + (["alpha"] if kind == "add" else [])

    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords)
        if len(b) < 4:
            raise Unsupported(api, "needs input, dim, index and a source/value")
        _need(tr, "t2j_index_update")
        extra = {"alpha": b["alpha"]} if "alpha" in b else {}
        return call("t2j_index_update", b["input"], b["dim"], b["index"], b[params[3]], ast.Constant(kind), **extra)
    return handler


for _kind in ("add", "copy", "fill"):
    _register([f"index_{_kind}"], _index_update(_kind))


def _scatter(tr, args, keywords):
    api = "torch.scatter"
    b = _bind(api, ["input", "dim", "index", "src", "value", "reduce"], args, keywords)
    src = b.get("src", b.get("value"))
    if src is None:
        raise Unsupported(api, "needs src= or value=")
    mode = "set"
    if "reduce" in b:
        red = _literal_or_fail(api, b["reduce"], "reduce")
        mode = {"add": "sum", "multiply": "prod"}.get(red)
        if mode is None:
            raise Unsupported(api, f"reduce={red!r} is not a scatter reduction")
    _need(tr, "t2j_scatter")
    return call("t2j_scatter", b["input"], b["dim"], b["index"], src, ast.Constant(mode))


def _scatter_add(tr, args, keywords):
    b = _bind("torch.scatter_add", ["input", "dim", "index", "src"], args, keywords)
    _need(tr, "t2j_scatter")
    return call("t2j_scatter", b["input"], b["dim"], b["index"], b["src"], ast.Constant("sum"))


def _scatter_reduce(tr, args, keywords):
    api = "torch.scatter_reduce"
    b = _bind(api, ["input", "dim", "index", "src", "reduce", "include_self"], args, keywords)
    red = _literal_or_fail(api, b["reduce"], "reduce") if "reduce" in b else _MISSING
    if red not in ("sum", "prod", "mean", "amax", "amin"):
        raise Unsupported(api, f"reduce={red!r} is not handled ({NOTE})")
    _need(tr, "t2j_scatter")
    extra = {"include_self": b["include_self"]} if "include_self" in b else {}
    return call("t2j_scatter", b["input"], b["dim"], b["index"], b["src"], ast.Constant(red), **extra)


_register(["scatter"], _scatter)
_register(["scatter_add"], _scatter_add)
_register(["scatter_reduce"], _scatter_reduce)


# --- searching ----------------------------------------------------------------------------


def _side(api, b) -> bool:
    """searchsorted's right=/side= as one boolean (side wins, as in PyTorch, when both agree)."""
    right = _literal_or_fail(api, b["right"], "right") if "right" in b else False
    if "side" in b:
        side = _literal_or_fail(api, b["side"], "side")
        if side not in ("left", "right") or right and side == "left":
            raise Unsupported(api, f"side={side!r} with right={right!r} is not valid in PyTorch")
        right = side == "right"
    return bool(right)


def _searchsorted(tr, args, keywords):
    api = "torch.searchsorted"
    b = _bind(api, ["sorted_sequence", "input", "out_int32", "right", "side", "sorter"], args, keywords)
    if "sorter" in b:
        raise Unsupported(api, f"sorter= is not handled ({NOTE})")
    b.pop("out_int32", None)  # JAX's default integer is already int32
    _need(tr, "t2j_searchsorted")
    return call("t2j_searchsorted", b["sorted_sequence"], b["input"], right=ast.Constant(_side(api, b)))


def _bucketize(tr, args, keywords):
    api = "torch.bucketize"
    b = _bind(api, ["input", "boundaries", "out_int32", "right"], args, keywords)
    b.pop("out_int32", None)
    # bucketize(x, boundaries) is searchsorted(boundaries, x): the argument order is swapped.
    side = "right" if _side(api, b) else "left"
    return call("jnp.searchsorted", b["boundaries"], b["input"], side=ast.Constant(side))


_register(["searchsorted"], _searchsorted, method=False)
_register(["bucketize"], _bucketize, method=False)


# --- construction ---------------------------------------------------------------------------


_register(["diag_embed"], _helper_handler("torch.diag_embed", "t2j_diag_embed", ["input", "offset", "dim1", "dim2"]))


def _meshgrid(tr, args, keywords):
    b = {k.arg: k.value for k in keywords}
    if set(b) - {"indexing"}:
        raise Unsupported("torch.meshgrid", f"keyword(s) {', '.join(set(b) - {'indexing'})} not handled")
    _need(tr, "t2j_meshgrid")
    return call("t2j_meshgrid", *args, **b)


HANDLERS["torch.meshgrid"] = _meshgrid


def _atleast(n):
    def handler(tr, args, keywords):
        if len(args) != 1 or keywords or isinstance(args[0], ast.Starred):
            raise Unsupported(f"torch.atleast_{n}d", f"only one tensor argument is handled ({NOTE})")
        return call(f"jnp.atleast_{n}d", args[0])
    return handler


for _n in (1, 2, 3):
    _register([f"atleast_{_n}d"], _atleast(_n), method=False)


# --- honestly unsupported -------------------------------------------------------------------


def _refuse(api: str, reason: str):
    def handler(tr, *rest):
        raise Unsupported(api, f"{reason} ({NOTE})")
    return handler


_DYNAMIC = "the output shape depends on the data, which jax.jit cannot trace; use a fixed size= argument"
_RANDOM = "random sampling needs an explicit PRNG key and cannot reproduce torch's numbers"
_NOT_METHODS = {"poisson", "normal", "rand_like", "randn_like", "randint_like"}
for _name, _reason in (("nonzero", _DYNAMIC), ("argwhere", _DYNAMIC), ("masked_select", _DYNAMIC),
                       ("unique", _DYNAMIC), ("unique_consecutive", _DYNAMIC),
                       ("bincount", "the output length is max(input) + 1, which depends on the data"),
                       ("bernoulli", _RANDOM), ("multinomial", _RANDOM), ("poisson", _RANDOM), ("normal", _RANDOM),
                       ("rand_like", _RANDOM), ("randn_like", _RANDOM), ("randint_like", _RANDOM)):
    for _api in (f"torch.{_name}",) + (() if _name in _NOT_METHODS else (f"torch.Tensor.{_name}",)):
        table = METHOD_HANDLERS if _api.startswith("torch.Tensor.") else HANDLERS
        if _api not in table:  # never shadow a handler another module already provides
            table[_api] = _refuse(_api, _reason)
