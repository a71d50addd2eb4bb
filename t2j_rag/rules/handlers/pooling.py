"""Pooling: nn.MaxPoolNd / AvgPoolNd / AdaptiveMaxPoolNd / AdaptiveAvgPoolNd / LPPoolNd and their
functional forms.

All of them go through runtime helpers that implement PyTorch's arithmetic once (`t2j_pool`:
output sizes with ceil_mode, count_include_pad, divisor_override; `t2j_adaptive_pool`: PyTorch's
window bounds) on channels-first data; a module becomes a parameter-free `Pool` /
`AdaptivePool` (or a functools.partial for LPPool), so nn.Sequential keeps its positions.

The trade-off: `return_indices=True` is reported untranslated: the indices of a max pool would
need a second reduction that no translated model so far has used.
"""

from __future__ import annotations

import ast

from ..registry import Unsupported, bind, call, literal, need, partial_handler, register

NN = "torch.nn."
F = "torch.nn.functional."


def _no_indices(api: str, b: dict) -> None:
    if literal(b.pop("return_indices", ast.Constant(False))) is not False:
        raise Unsupported(api, "return_indices=True is not handled")


def _pool_module(kind: str, nd: int):
    api = f"{NN}{'MaxPool' if kind == 'max' else 'AvgPool'}{nd}d"
    params = (["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"] if kind == "max"
              else ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"])

    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords)
        _no_indices(api, b)
        need(tr, "Pool")
        return call("Pool", ast.Constant(kind), ast.Constant(nd), **b)
    return handler


def _pool_function(kind: str, nd: int):
    api = f"{F}{kind}_pool{nd}d"
    params = (["input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"] if kind == "max"
              else ["input", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"])

    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords)
        _no_indices(api, b)
        need(tr, "t2j_pool")
        return call("t2j_pool", b.pop("input"), ast.Constant(kind), ast.Constant(nd), **b)
    return handler


def _adaptive_module(kind: str, nd: int):
    api = f"{NN}Adaptive{'Max' if kind == 'max' else 'Avg'}Pool{nd}d"

    def handler(tr, args, keywords):
        b = bind(api, ["output_size", "return_indices"], args, keywords)
        _no_indices(api, b)
        need(tr, "AdaptivePool")
        return call("AdaptivePool", ast.Constant(kind), ast.Constant(nd), b["output_size"])
    return handler


def _adaptive_function(kind: str, nd: int):
    api = f"{F}adaptive_{kind}_pool{nd}d"

    def handler(tr, args, keywords):
        b = bind(api, ["input", "output_size", "return_indices"], args, keywords)
        _no_indices(api, b)
        need(tr, "t2j_adaptive_pool", "t2j_tuple")
        return call("t2j_adaptive_pool", b["input"], ast.Constant(kind),
                    call("t2j_tuple", b["output_size"], ast.Constant(nd)))
    return handler


def _lp_pool_function(nd: int):
    api = f"{F}lp_pool{nd}d"

    def handler(tr, args, keywords):
        b = bind(api, ["input", "norm_type", "kernel_size", "stride", "ceil_mode"], args, keywords, drop=())
        if "norm_type" not in b or "kernel_size" not in b:
            raise Unsupported(api, "norm_type and kernel_size are required")
        need(tr, "t2j_lp_pool")
        return call("t2j_lp_pool", b.pop("input"), b.pop("norm_type"), ast.Constant(nd), **b)
    return handler


for _nd in (1, 2, 3):
    for _kind in ("max", "avg"):
        register(f"{NN}{'MaxPool' if _kind == 'max' else 'AvgPool'}{_nd}d")(_pool_module(_kind, _nd))
        register(f"{NN}Adaptive{'Max' if _kind == 'max' else 'Avg'}Pool{_nd}d")(_adaptive_module(_kind, _nd))
        register(f"{F}{_kind}_pool{_nd}d")(_pool_function(_kind, _nd))
        register(f"{F}adaptive_{_kind}_pool{_nd}d")(_adaptive_function(_kind, _nd))
    register(f"{NN}LPPool{_nd}d")(partial_handler(f"{NN}LPPool{_nd}d", "t2j_lp_pool",
                                                  ["norm_type", "kernel_size", "stride", "ceil_mode"], 2,
                                                  {"ndim": _nd}))
    register(f"{F}lp_pool{_nd}d")(_lp_pool_function(_nd))
