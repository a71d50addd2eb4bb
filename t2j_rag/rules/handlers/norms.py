"""Normalisation: nn.GroupNorm / InstanceNormNd / RMSNorm constructors and the functional group /
instance / batch / layer / RMS norms and F.normalize.

All of them treat axis 1 as the channel axis, as PyTorch does (notes modules-groupnorm-layout,
modules-instancenorm-defaults, modules-batchnorm-layout-axis). InstanceNorm is GroupNorm with one
channel per group and PyTorch's default affine=False. Only the functional paths that are pure
functions of their inputs are translated: `F.batch_norm` in inference mode, `F.instance_norm`
with input statistics and no running buffers (PyTorch would update those in place).

The trade-off: anything that would need a state update (training-mode batch_norm, InstanceNorm's
track_running_stats) is reported untranslated rather than approximated.
"""

from __future__ import annotations

import ast

from ..registry import RNGS, Unsupported, bind, call, helper_handler, is_none, literal, need, register

NN = "torch.nn."
F = "torch.nn.functional."


@register(NN + "GroupNorm")
def _group_norm_module(tr, args, keywords):
    b = bind(NN + "GroupNorm", ["num_groups", "num_channels", "eps", "affine"], args, keywords,
             drop=("device", "dtype"))
    need(tr, "GroupNormNCHW")
    return call("GroupNormNCHW", **b, **RNGS)


def _instance_norm_module(nd: int):
    api = f"{NN}InstanceNorm{nd}d"

    def handler(tr, args, keywords):
        b = bind(api, ["num_features", "eps", "momentum", "affine", "track_running_stats"], args, keywords,
                 drop=("device", "dtype"))
        if literal(b.pop("track_running_stats", ast.Constant(False))) is not False:
            raise Unsupported(api, "track_running_stats=True is not handled (note modules-instancenorm-defaults)")
        b.pop("momentum", None)  # only used with running statistics
        need(tr, "GroupNormNCHW")
        n = b.pop("num_features")
        # InstanceNorm is GroupNorm with one channel per group; PyTorch's default is affine=False.
        return call("GroupNormNCHW", n, n, **b, **({} if "affine" in b else {"affine": ast.Constant(False)}), **RNGS)
    return handler


for _nd in (1, 2, 3):
    register(f"{NN}InstanceNorm{_nd}d")(_instance_norm_module(_nd))


@register(F + "group_norm")
def _group_norm(tr, args, keywords):
    b = bind(F + "group_norm", ["input", "num_groups", "weight", "bias", "eps"], args, keywords, drop=())
    need(tr, "t2j_group_norm")
    return call("t2j_group_norm", b.pop("input"), b.pop("num_groups"), **b)


@register(F + "instance_norm")
def _instance_norm(tr, args, keywords):
    api = F + "instance_norm"
    b = bind(api, ["input", "running_mean", "running_var", "weight", "bias", "use_input_stats", "momentum", "eps"],
             args, keywords, drop=())
    if literal(b.pop("use_input_stats", ast.Constant(True))) is not True:
        raise Unsupported(api, "use_input_stats=False (normalising with running statistics) is not handled "
                               "(note modules-instancenorm-defaults)")
    if not (is_none(b.pop("running_mean", None)) and is_none(b.pop("running_var", None))):
        raise Unsupported(api, "running_mean/running_var are updated in place by PyTorch; not handled "
                               "(note modules-instancenorm-defaults)")
    b.pop("momentum", None)  # only moves the running statistics
    need(tr, "t2j_instance_norm")
    return call("t2j_instance_norm", b.pop("input"), **b)


@register(F + "batch_norm")
def _batch_norm(tr, args, keywords):
    api = F + "batch_norm"
    b = bind(api, ["input", "running_mean", "running_var", "weight", "bias", "training", "momentum", "eps"],
             args, keywords, drop=())
    if literal(b.pop("training", ast.Constant(False))) is not False:
        raise Unsupported(api, "training=True (batch statistics and in-place running-stat updates) is not "
                               "handled, only training=False (note modules-batchnorm-layout-axis)")
    if "running_mean" not in b or "running_var" not in b or is_none(b["running_mean"]) \
            or is_none(b["running_var"]):
        raise Unsupported(api, "inference-mode batch_norm needs running_mean and running_var")
    b.pop("momentum", None)
    need(tr, "t2j_batch_norm")
    return call("t2j_batch_norm", b.pop("input"), b.pop("running_mean"), b.pop("running_var"), **b)


register(F + "layer_norm")(helper_handler(F + "layer_norm", "t2j_layer_norm",
                                          ["input", "normalized_shape", "weight", "bias", "eps"]))
register(F + "normalize")(helper_handler(F + "normalize", "t2j_normalize", ["input", "p", "dim", "eps"],
                                         rename={"dim": "axis"}))


@register(NN + "RMSNorm")
def _rms_norm_module(tr, args, keywords):
    api = NN + "RMSNorm"
    b = bind(api, ["normalized_shape", "eps", "elementwise_affine"], args, keywords, drop=("device", "dtype"))
    if "normalized_shape" not in b:
        raise Unsupported(api, "normalized_shape is required")
    need(tr, "RMSNormTorch")
    return call("RMSNormTorch", **b, **RNGS)


@register(F + "rms_norm")
def _rms_norm(tr, args, keywords):
    b = bind(F + "rms_norm", ["input", "normalized_shape", "weight", "eps"], args, keywords, drop=())
    if "normalized_shape" not in b:
        raise Unsupported(F + "rms_norm", "normalized_shape is required")
    need(tr, "t2j_rms_norm")
    return call("t2j_rms_norm", b.pop("input"), b.pop("normalized_shape"), **b)
