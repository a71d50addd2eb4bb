"""Reductions and orderings whose results PyTorch returns as (values, indices): torch.max / min with a
dim, sort, topk, kthvalue, median, cummax / cummin, aminmax, and logcumsumexp, argsort, std_mean /
var_mean.

The named-tuple results (`.values`, `.indices`) come from runtime helpers that also fix the index a
tie reports (PyTorch's CPU choice: the lowest position, or the last one for cummax); argsort is
always stable, as PyTorch's CPU sort is even with stable=False.

The trade-off: `max(x, 1)` versus `max(x, y)` is decided from the syntax (a literal int or a `dim`
name means a dimension), since there are no types; the legacy positional `unbiased` of std_mean is
recognised only as a literal boolean.
"""

from __future__ import annotations

import ast

from ..registry import MISSING, Unsupported, bind, call, helper_handler, literal, literal_value, need, register

NOTE = "rules-tensor-functions-more"


def _max_min(kind: str):
    def handler(tr, args, keywords):
        kws = {k.arg: k.value for k in keywords}
        if len(args) == 1 and not kws:
            return call(f"jnp.{kind}", args[0])
        second = args[1] if len(args) > 1 else kws.get("dim", kws.get("other"))
        lit = literal(second) if second is not None else MISSING
        is_dim = "dim" in kws or isinstance(lit, int) or (isinstance(second, ast.Name) and second.id in ("dim", "axis"))
        if not is_dim:
            return call("jnp.maximum" if kind == "max" else "jnp.minimum", args[0], second)
        keep = args[2] if len(args) > 2 else kws.get("keepdim")
        need(tr, "t2j_max_dim")
        extra = {"keepdims": keep} if keep is not None else {}
        return call("t2j_max_dim", args[0], ast.Constant(kind), second, **extra)
    return handler


for _kind in ("max", "min"):
    register(f"torch.{_kind}", f"torch.Tensor.{_kind}")(_max_min(_kind))

for _name, _helper, _params, _fixed, _positional in (
        ("sort", "t2j_sort", ["input", "dim", "descending", "stable"], (), 1),
        ("topk", "t2j_topk", ["input", "k", "dim", "largest", "sorted"], (), 2),
        ("kthvalue", "t2j_kthvalue", ["input", "k", "dim", "keepdim"], (), 2),
        ("median", "t2j_median", ["input", "dim", "keepdim"], (), 1),
        ("cummax", "t2j_cumextreme", ["input", "dim"], ("max",), 2),
        ("cummin", "t2j_cumextreme", ["input", "dim"], ("min",), 2),
        ("logcumsumexp", "t2j_logcumsumexp", ["input", "dim"], (), 2),
        ("aminmax", "t2j_aminmax", ["input", "dim", "keepdim"], (), 1)):
    register(f"torch.{_name}", f"torch.Tensor.{_name}", rename_unsupported=True)(
        helper_handler(f"torch.{_name}", _helper, _params, _fixed, keyword_from=_positional))


@register("torch.argsort", "torch.Tensor.argsort", rename_unsupported=True)
def _argsort(tr, args, keywords):
    b = bind("torch.argsort", ["input", "dim", "descending", "stable"], args, keywords)
    # PyTorch's CPU sort keeps equal values in their original order even when stable=False.
    b.pop("stable", None)
    extra = {{"dim": "axis"}.get(k, k): v for k, v in b.items() if k != "input"}
    return call("jnp.argsort", b["input"], stable=ast.Constant(True), **extra)


def _stat_mean(kind: str):
    api = f"torch.{kind}_mean"

    def handler(tr, args, keywords):
        args = list(args)
        if len(args) == 2 and isinstance(literal(args[1]), bool):
            # torch.std_mean(x, False): the second positional argument is `unbiased`.
            keywords = [*keywords, ast.keyword(arg="unbiased", value=args.pop())]
        b = bind(api, ["input", "dim", "unbiased", "keepdim", "correction"], args, keywords)
        if "unbiased" in b and "correction" in b:
            raise Unsupported(api, "both unbiased= and correction= given")
        if "unbiased" in b:
            unbiased = literal_value(api, b.pop("unbiased"), "unbiased", NOTE)
            b["correction"] = ast.Constant(1 if unbiased else 0)
        need(tr, "t2j_stat_mean")
        x = b.pop("input")
        return call("t2j_stat_mean", x, ast.Constant(kind), **b)
    return handler


register("torch.std_mean")(_stat_mean("std"))
register("torch.var_mean")(_stat_mean("var"))
