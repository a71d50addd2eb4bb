"""Resampling: F.interpolate (and its deprecated names F.upsample, F.upsample_nearest,
F.upsample_bilinear) and the nn.Upsample / UpsamplingNearest2d / UpsamplingBilinear2d modules.

Everything goes through `t2j_interpolate`, which follows PyTorch's source-index arithmetic in modes
nearest, linear, bilinear and trilinear (note rules-interpolate); a module becomes the
parameter-free `UpsampleNCHW`.

The trade-off: the mode must be a literal (the kernel is chosen at translation time), and modes or
options that would need a different kernel (bicubic, area, antialias) are reported untranslated
rather than approximated.
"""

from __future__ import annotations

import ast

from ..registry import MISSING, Unsupported, bind, call, is_none, literal, need, register

NN = "torch.nn."
F = "torch.nn.functional."
_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}
_PARAMS = ["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"]


def _check_mode(api: str, b: dict, default_mode: str = "nearest") -> None:
    mode = literal(b.get("mode", ast.Constant(default_mode)))
    if mode is MISSING:
        raise Unsupported(api, "mode must be a literal string (the kernel is chosen at translation time)")
    if mode != "nearest" and mode not in _LINEAR:
        raise Unsupported(api, f"mode={mode!r} is not handled: only nearest, linear, bilinear and trilinear "
                               "are reproduced exactly (note rules-interpolate)")
    corners = literal(b.get("align_corners", ast.Constant(None)))
    if corners is MISSING:
        raise Unsupported(api, "align_corners must be a literal")
    if mode == "nearest" and corners is not None:
        raise Unsupported(api, "align_corners is only valid for the linear modes")
    if literal(b.pop("antialias", ast.Constant(False))) is not False:
        raise Unsupported(api, "antialias=True is not handled (note rules-interpolate)")
    if is_none(b.get("size")) and is_none(b.get("scale_factor")):
        raise Unsupported(api, "one of size or scale_factor must be given")


def _interpolate(api: str):
    def handler(tr, args, keywords):
        b = bind(api, ["input", *_PARAMS, "antialias"], args, keywords, drop=())
        _check_mode(api, b)
        need(tr, "t2j_interpolate")
        return call("t2j_interpolate", b.pop("input"), **b)
    return handler


def _upsample_module(api: str, fixed: dict | None = None):
    def handler(tr, args, keywords):
        params = _PARAMS if fixed is None else ["size", "scale_factor"]
        b = bind(api, params, args, keywords, drop=())
        b.update({k: ast.Constant(v) for k, v in (fixed or {}).items()})
        _check_mode(api, b)
        need(tr, "UpsampleNCHW")
        return call("UpsampleNCHW", **b)
    return handler


def _upsample_fixed(name: str, mode: str, corners):
    """The deprecated F.upsample_nearest / upsample_bilinear: interpolate with a fixed mode."""
    api = F + name

    def handler(tr, args, keywords):
        b = bind(api, ["input", "size", "scale_factor"], args, keywords, drop=())
        if is_none(b.get("size")) and is_none(b.get("scale_factor")):
            raise Unsupported(api, "one of size or scale_factor must be given")
        need(tr, "t2j_interpolate")
        extra = {} if corners is None else {"align_corners": ast.Constant(corners)}
        return call("t2j_interpolate", b.pop("input"), **b, mode=ast.Constant(mode), **extra)
    return handler


register(F + "interpolate")(_interpolate(F + "interpolate"))
register(F + "upsample")(_interpolate(F + "upsample"))
register(F + "upsample_nearest")(_upsample_fixed("upsample_nearest", "nearest", None))
register(F + "upsample_bilinear")(_upsample_fixed("upsample_bilinear", "bilinear", True))
register(NN + "Upsample")(_upsample_module(NN + "Upsample"))
register(NN + "UpsamplingNearest2d")(_upsample_module(NN + "UpsamplingNearest2d", {"mode": "nearest"}))
register(NN + "UpsamplingBilinear2d")(_upsample_module(NN + "UpsamplingBilinear2d",
                                                       {"mode": "bilinear", "align_corners": True}))
