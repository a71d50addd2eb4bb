"""Channels-first operations with explicit parameters: functional group/instance/batch norm,
PReLU (module and functional) and F.interpolate / nn.Upsample.

All of them treat axis 1 as the channel axis, as PyTorch does, and go through
helpers in `runtime.py` (notes modules-groupnorm-layout,
modules-instancenorm-defaults, modules-batchnorm-layout-axis,
layers-prelu-leaky-params, rules-interpolate). Only the paths that are pure
functions of their inputs are translated: `F.batch_norm` in inference mode,
`F.instance_norm` with input statistics and no running buffers (PyTorch would
update those in place), interpolation in modes nearest / linear / bilinear /
trilinear without antialiasing.

The trade-off: an option that would need state updates or a different kernel
(bicubic, area, antialias) is reported untranslated rather than approximated.
"""

from __future__ import annotations

import ast

from .calls import _MISSING, is_none, literal
from .context import Unsupported
from .expressions import call
from .layers import LAYER_HANDLERS
from .special import HANDLERS, _bind, _need

F = "torch.nn.functional."
NN = "torch.nn."


def _group_norm(tr, args, keywords):
    api = F + "group_norm"
    b = _bind(api, ["input", "num_groups", "weight", "bias", "eps"], args, keywords, drop=())
    _need(tr, "t2j_group_norm")
    return call("t2j_group_norm", b.pop("input"), b.pop("num_groups"), **b)


def _instance_norm(tr, args, keywords):
    api = F + "instance_norm"
    b = _bind(api, ["input", "running_mean", "running_var", "weight", "bias", "use_input_stats", "momentum", "eps"],
              args, keywords, drop=())
    if literal(b.pop("use_input_stats", ast.Constant(True))) is not True:
        raise Unsupported(api, "use_input_stats=False (normalising with running statistics) is not handled "
                               "(note modules-instancenorm-defaults)")
    if not (is_none(b.pop("running_mean", None)) and is_none(b.pop("running_var", None))):
        raise Unsupported(api, "running_mean/running_var are updated in place by PyTorch; not handled "
                               "(note modules-instancenorm-defaults)")
    b.pop("momentum", None)  # only moves the running statistics
    _need(tr, "t2j_instance_norm")
    return call("t2j_instance_norm", b.pop("input"), **b)


def _batch_norm(tr, args, keywords):
    api = F + "batch_norm"
    b = _bind(api, ["input", "running_mean", "running_var", "weight", "bias", "training", "momentum", "eps"],
              args, keywords, drop=())
    if literal(b.pop("training", ast.Constant(False))) is not False:
        raise Unsupported(api, "training=True (batch statistics and in-place running-stat updates) is not "
                               "handled, only training=False (note modules-batchnorm-layout-axis)")
    if "running_mean" not in b or "running_var" not in b or is_none(b["running_mean"]) \
            or is_none(b["running_var"]):
        raise Unsupported(api, "inference-mode batch_norm needs running_mean and running_var")
    b.pop("momentum", None)
    _need(tr, "t2j_batch_norm")
    return call("t2j_batch_norm", b.pop("input"), b.pop("running_mean"), b.pop("running_var"), **b)


def _prelu(tr, args, keywords):
    b = _bind(F + "prelu", ["input", "weight"], args, keywords, drop=())
    if "weight" not in b:
        raise Unsupported(F + "prelu", "the weight argument is required")
    _need(tr, "t2j_prelu")
    return call("t2j_prelu", b["input"], b["weight"])


def _prelu_module(tr, args, keywords):
    b = _bind(NN + "PReLU", ["num_parameters", "init"], args, keywords, drop=("device", "dtype"))
    _need(tr, "PReLUNCHW")
    return call("PReLUNCHW", **b)


_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}
_PARAMS = ["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"]


def _check_mode(api: str, b: dict, default_mode: str = "nearest") -> None:
    mode = literal(b.get("mode", ast.Constant(default_mode)))
    if mode is _MISSING:
        raise Unsupported(api, "mode must be a literal string (the kernel is chosen at translation time)")
    if mode != "nearest" and mode not in _LINEAR:
        raise Unsupported(api, f"mode={mode!r} is not handled: only nearest, linear, bilinear and trilinear "
                               "are reproduced exactly (note rules-interpolate)")
    corners = literal(b.get("align_corners", ast.Constant(None)))
    if corners is _MISSING:
        raise Unsupported(api, "align_corners must be a literal")
    if mode == "nearest" and corners is not None:
        raise Unsupported(api, "align_corners is only valid for the linear modes")
    if literal(b.pop("antialias", ast.Constant(False))) is not False:
        raise Unsupported(api, "antialias=True is not handled (note rules-interpolate)")
    if is_none(b.get("size")) and is_none(b.get("scale_factor")):
        raise Unsupported(api, "one of size or scale_factor must be given")


def _interpolate(api: str):
    def handler(tr, args, keywords):
        b = _bind(api, ["input", *_PARAMS, "antialias"], args, keywords, drop=())
        _check_mode(api, b)
        _need(tr, "t2j_interpolate")
        return call("t2j_interpolate", b.pop("input"), **b)
    return handler


def _upsample(api: str, fixed: dict | None = None):
    def handler(tr, args, keywords):
        params = _PARAMS if fixed is None else ["size", "scale_factor"]
        b = _bind(api, params, args, keywords, drop=())
        b.update({k: ast.Constant(v) for k, v in (fixed or {}).items()})
        _check_mode(api, b)
        _need(tr, "UpsampleNCHW")
        return call("UpsampleNCHW", **b)
    return handler


HANDLERS.update({
    F + "group_norm": _group_norm,
    F + "instance_norm": _instance_norm,
    F + "batch_norm": _batch_norm,
    F + "prelu": _prelu,
    F + "interpolate": _interpolate(F + "interpolate"),
    F + "upsample": _interpolate(F + "upsample"),
})
LAYER_HANDLERS.update({
    NN + "PReLU": _prelu_module,
    NN + "Upsample": _upsample(NN + "Upsample"),
    NN + "UpsamplingNearest2d": _upsample(NN + "UpsamplingNearest2d", {"mode": "nearest"}),
    NN + "UpsamplingBilinear2d": _upsample(NN + "UpsamplingBilinear2d", {"mode": "bilinear", "align_corners": True}),
})
