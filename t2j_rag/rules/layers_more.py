"""Code handlers for the less common torch.nn layers and torch.nn.functional ops.

Functional convolutions (PyTorch weight layout, groups, 'same'), padding modules,
Unfold/Fold and Unflatten modules, RReLU/Softplus/Hardtanh with arbitrary
arguments, RMSNorm, LP pooling, Bilinear, EmbeddingBag, F.embedding, parameter
containers and the deprecated F.upsample_* names. The mappings that are a plain
rename onto a helper (shrink activations, GLU, pixel shuffle, F.unfold,
local response norm...) are data rules in notes rules-layers-more and
rules-activations-more; the helpers live in `runtime_layers.py`.

The trade-off: every handler checks the options it can reproduce exactly and
raises `Unsupported` with the reason for the rest (`max_norm`, which renormalises
the table in place; Lazy* layers, whose shapes come from the first call; random
training-mode functional calls without a key), so nothing is approximated.
"""

from __future__ import annotations

import ast

from .calls import is_none, literal
from .context import Unsupported
from .expressions import call, jexpr
from .layers import LAYER_HANDLERS, RNGS
from .special import HANDLERS, _bind, _need

NN = "torch.nn."
F = "torch.nn.functional."
NOTE = "note rules-layers-more"
ACT_NOTE = "note rules-activations-more"


def _partial(tr, helper: str, **kw: ast.expr) -> ast.expr:
    """A parameter-free module becomes functools.partial(helper, ...), so `self.m(x)` keeps working."""
    _need(tr, helper)
    tr.ctx.uses_functools = True
    return call("functools.partial", jexpr(helper), **kw)


# --- functional convolutions -----------------------------------------------------------------


def _fconv(nd: int, transpose: bool):
    api = f"{F}conv_transpose{nd}d" if transpose else f"{F}conv{nd}d"
    params = (["input", "weight", "bias", "stride", "padding", "output_padding", "groups", "dilation"] if transpose
              else ["input", "weight", "bias", "stride", "padding", "dilation", "groups"])

    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords, drop=())
        if "weight" not in b:
            raise Unsupported(api, "the weight argument is required")
        pad = literal(b.get("padding", ast.Constant(0)))
        if isinstance(pad, str) and pad not in ("same", "valid"):
            raise Unsupported(api, f"padding={pad!r} is not a PyTorch padding string")
        if transpose and isinstance(pad, str):
            raise Unsupported(api, "string padding is not accepted by conv_transpose")
        helper = "t2j_conv_transpose" if transpose else "t2j_conv"
        _need(tr, helper)
        return call(helper, b.pop("input"), b.pop("weight"), **b)
    return handler


for _nd in (1, 2, 3):
    HANDLERS[f"{F}conv{_nd}d"] = _fconv(_nd, False)
    HANDLERS[f"{F}conv_transpose{_nd}d"] = _fconv(_nd, True)


# --- padding modules ------------------------------------------------------------------------

_PAD_MODES = {"Zero": "constant", "Constant": "constant", "Reflection": "reflect", "Replication": "replicate",
              "Circular": "circular"}


def _pad_module(kind: str, nd: int):
    api = f"{NN}{kind}Pad{nd}d"
    params = ["padding", "value"] if kind == "Constant" else ["padding"]

    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords, drop=())
        if "padding" not in b or (kind == "Constant" and "value" not in b):
            raise Unsupported(api, "missing required argument(s)")
        p = literal(b["padding"])
        if isinstance(p, int):  # one int pads every side of the last nd axes
            pad = ast.Tuple(elts=[ast.Constant(p)] * (2 * nd), ctx=ast.Load())
        elif isinstance(p, (tuple, list)):
            if len(p) != 2 * nd:
                raise Unsupported(api, f"padding needs {2 * nd} values, got {len(p)}")
            pad = ast.Tuple(elts=[ast.Constant(v) for v in p], ctx=ast.Load())
        else:
            _need(tr, "t2j_tuple")
            pad = call("t2j_tuple", b["padding"], ast.Constant(2 * nd))
        extra = {"value": b["value"]} if kind == "Constant" else {}
        return _partial(tr, "t2j_pad", pad=pad, mode=ast.Constant(_PAD_MODES[kind]), **extra)
    return handler


for _nd in (1, 2, 3):
    for _kind in _PAD_MODES:
        LAYER_HANDLERS[f"{NN}{_kind}Pad{_nd}d"] = _pad_module(_kind, _nd)


# --- rearrangements as modules ----------------------------------------------------------------


def _module_partial(api: str, helper: str, params: list[str], required: int, fixed: dict | None = None):
    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords, drop=())
        missing = [p for p in params[:required] if p not in b]
        if missing:
            raise Unsupported(api, f"missing required argument(s) {', '.join(missing)}")
        return _partial(tr, helper, **b, **{k: ast.Constant(v) for k, v in (fixed or {}).items()})
    return handler


LAYER_HANDLERS.update({
    NN + "Unfold": _module_partial(NN + "Unfold", "t2j_unfold", ["kernel_size", "dilation", "padding", "stride"], 1),
    NN + "Fold": _module_partial(NN + "Fold", "t2j_fold",
                                 ["output_size", "kernel_size", "dilation", "padding", "stride"], 2),
    NN + "Unflatten": _module_partial(NN + "Unflatten", "t2j_unflatten", ["dim", "unflattened_size"], 2),
})
for _nd in (1, 2, 3):
    LAYER_HANDLERS[f"{NN}LPPool{_nd}d"] = _module_partial(
        f"{NN}LPPool{_nd}d", "t2j_lp_pool", ["norm_type", "kernel_size", "stride", "ceil_mode"], 2, {"ndim": _nd})


def _lp_pool(nd: int):
    api = f"{F}lp_pool{nd}d"

    def handler(tr, args, keywords):
        b = _bind(api, ["input", "norm_type", "kernel_size", "stride", "ceil_mode"], args, keywords, drop=())
        if "norm_type" not in b or "kernel_size" not in b:
            raise Unsupported(api, "norm_type and kernel_size are required")
        _need(tr, "t2j_lp_pool")
        return call("t2j_lp_pool", b.pop("input"), b.pop("norm_type"), ast.Constant(nd), **b)
    return handler


for _nd in (1, 2, 3):
    HANDLERS[f"{F}lp_pool{_nd}d"] = _lp_pool(_nd)


# --- activations whose arguments the data rules cannot express ---------------------------------


def _softplus_module(tr, args, keywords):
    b = _bind(NN + "Softplus", ["beta", "threshold"], args, keywords, drop=())
    if not b:
        return jexpr("jax.nn.softplus")  # beta=1, threshold=20: jax.nn.softplus agrees to float32 precision
    return _partial(tr, "t2j_softplus", **b)


def _softplus(tr, args, keywords):
    b = _bind(F + "softplus", ["input", "beta", "threshold"], args, keywords, drop=())
    if len(b) == 1:
        return call("jax.nn.softplus", b["input"])
    _need(tr, "t2j_softplus")
    return call("t2j_softplus", b.pop("input"), **b)


def _hardtanh_module(tr, args, keywords):
    b = _bind(NN + "Hardtanh", ["min_val", "max_val", "inplace"], args, keywords, drop=("inplace",))
    b.pop("inplace", None)
    if not b:
        return jexpr("jax.nn.hard_tanh")  # the default range [-1, 1]
    return _partial(tr, "t2j_hardtanh", **b)


def _hardtanh(tr, args, keywords):
    b = _bind(F + "hardtanh", ["input", "min_val", "max_val", "inplace"], args, keywords, drop=("inplace",))
    b.pop("inplace", None)
    _need(tr, "t2j_hardtanh")
    return call("t2j_hardtanh", b.pop("input"), **b)


def _rrelu(tr, args, keywords):
    api = F + "rrelu"
    b = _bind(api, ["input", "lower", "upper", "training", "inplace"], args, keywords, drop=("inplace",))
    b.pop("inplace", None)
    if literal(b.pop("training", ast.Constant(False))) is not False:
        raise Unsupported(api, f"training=True draws random slopes and needs a PRNG key; use nn.RReLU, which "
                               f"becomes a module with an RNG stream ({ACT_NOTE})")
    _need(tr, "t2j_rrelu_eval")
    return call("t2j_rrelu_eval", b.pop("input"), **b)


def _rrelu_module(tr, args, keywords):
    b = _bind(NN + "RReLU", ["lower", "upper", "inplace"], args, keywords, drop=("inplace",))
    b.pop("inplace", None)
    _need(tr, "RReLUTorch")
    return call("RReLUTorch", **b, **RNGS)


def _alpha_dropout_module(feature: bool):
    api = NN + ("FeatureAlphaDropout" if feature else "AlphaDropout")

    def handler(tr, args, keywords):
        b = _bind(api, ["p", "inplace"], args, keywords, drop=("inplace",))
        b.pop("inplace", None)
        _need(tr, "AlphaDropoutTorch")
        return call("AlphaDropoutTorch", **b, feature=ast.Constant(feature), **RNGS)
    return handler


def _feature_alpha_dropout(tr, args, keywords):
    api = F + "feature_alpha_dropout"
    b = _bind(api, ["input", "p", "training", "inplace"], args, keywords)
    if literal(b.get("training", ast.Constant(False))) is False or literal(b.get("p", ast.Constant(0.5))) in (0, 0.0):
        return b["input"]
    raise Unsupported(api, "functional dropout in training mode needs a PRNG key; use nn.FeatureAlphaDropout "
                           "(note modules-dropout-rate-rngs)")


LAYER_HANDLERS.update({
    NN + "Softplus": _softplus_module, NN + "Hardtanh": _hardtanh_module, NN + "RReLU": _rrelu_module,
    NN + "AlphaDropout": _alpha_dropout_module(False), NN + "FeatureAlphaDropout": _alpha_dropout_module(True),
})
HANDLERS.update({F + "softplus": _softplus, F + "hardtanh": _hardtanh, F + "rrelu": _rrelu,
                 F + "feature_alpha_dropout": _feature_alpha_dropout})


# --- normalisation, bilinear, embeddings ---------------------------------------------------------


def _rms_norm_module(tr, args, keywords):
    api = NN + "RMSNorm"
    b = _bind(api, ["normalized_shape", "eps", "elementwise_affine"], args, keywords, drop=("device", "dtype"))
    if "normalized_shape" not in b:
        raise Unsupported(api, "normalized_shape is required")
    _need(tr, "RMSNormTorch")
    return call("RMSNormTorch", **b, **RNGS)


def _rms_norm(tr, args, keywords):
    b = _bind(F + "rms_norm", ["input", "normalized_shape", "weight", "eps"], args, keywords, drop=())
    if "normalized_shape" not in b:
        raise Unsupported(F + "rms_norm", "normalized_shape is required")
    _need(tr, "t2j_rms_norm")
    return call("t2j_rms_norm", b.pop("input"), b.pop("normalized_shape"), **b)


def _bilinear_module(tr, args, keywords):
    api = NN + "Bilinear"
    b = _bind(api, ["in1_features", "in2_features", "out_features", "bias"], args, keywords, drop=("device", "dtype"))
    _need(tr, "BilinearTorch")
    return call("BilinearTorch", **b, **RNGS)


def _bilinear(tr, args, keywords):
    b = _bind(F + "bilinear", ["input1", "input2", "weight", "bias"], args, keywords, drop=())
    _need(tr, "t2j_bilinear")
    return call("t2j_bilinear", b.pop("input1"), b.pop("input2"), b.pop("weight"), **b)


_BAG_ONLY_GRAD = ("scale_grad_by_freq", "sparse")  # change how gradients are formed, not the forward values


def _bag_checks(api: str, b: dict) -> None:
    if not is_none(b.pop("max_norm", None)):
        raise Unsupported(api, "max_norm renormalises the looked-up rows of the table in place; not handled "
                               "(note modules-embedding-padding-init)")
    b.pop("norm_type", None)  # only used with max_norm
    for name in _BAG_ONLY_GRAD:
        b.pop(name, None)
    mode = literal(b.get("mode", ast.Constant("mean")))
    if mode not in ("sum", "mean", "max"):
        raise Unsupported(api, f"mode must be a literal 'sum', 'mean' or 'max', got {ast.unparse(b['mode'])}")


def _embedding_bag_module(tr, args, keywords):
    api = NN + "EmbeddingBag"
    b = _bind(api, ["num_embeddings", "embedding_dim", "max_norm", "norm_type", "scale_grad_by_freq", "mode",
                    "sparse", "_weight", "include_last_offset", "padding_idx"], args, keywords,
              drop=("device", "dtype"))
    if not is_none(b.pop("_weight", None)):
        raise Unsupported(api, f"_weight (an initial table) is not handled ({NOTE})")
    _bag_checks(api, b)
    _need(tr, "EmbeddingBagTorch")
    return call("EmbeddingBagTorch", **b, **RNGS)


def _embedding_bag(tr, args, keywords):
    api = F + "embedding_bag"
    b = _bind(api, ["input", "weight", "offsets", "max_norm", "norm_type", "scale_grad_by_freq", "mode", "sparse",
                    "per_sample_weights", "include_last_offset", "padding_idx"], args, keywords, drop=())
    _bag_checks(api, b)
    _need(tr, "t2j_embedding_bag")
    return call("t2j_embedding_bag", b.pop("input"), b.pop("weight"), **b)


def _embedding(tr, args, keywords):
    api = F + "embedding"
    b = _bind(api, ["input", "weight", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"],
              args, keywords, drop=())
    if not is_none(b.get("max_norm")):
        raise Unsupported(api, "max_norm renormalises the looked-up rows of the weight in place; not handled "
                               "(note modules-embedding-padding-init)")
    # padding_idx, scale_grad_by_freq and sparse only change the gradient; the forward is a row lookup.
    return call("jnp.take", b["weight"], b["input"], axis=ast.Constant(0))


LAYER_HANDLERS.update({NN + "RMSNorm": _rms_norm_module, NN + "Bilinear": _bilinear_module,
                       NN + "EmbeddingBag": _embedding_bag_module})
HANDLERS.update({F + "rms_norm": _rms_norm, F + "bilinear": _bilinear, F + "embedding_bag": _embedding_bag,
                 F + "embedding": _embedding})


# --- containers ------------------------------------------------------------------------------------


def _module_dict(tr, args, keywords):
    b = _bind(NN + "ModuleDict", ["modules"], args, keywords, drop=())
    if "modules" not in b:
        return call("nnx.Dict")
    # nnx.Dict keeps insertion order like nn.ModuleDict, and accepts a mapping or (key, module) pairs.
    return call("nnx.Dict", b["modules"])


def _param_container(api: str, name: str):
    def handler(tr, args, keywords):
        b = _bind(api, [name], args, keywords, drop=())
        _need(tr, "t2j_param_container")
        return call("t2j_param_container", *([b[name]] if name in b else []))
    return handler


LAYER_HANDLERS.update({NN + "ModuleDict": _module_dict,
                       NN + "ParameterList": _param_container(NN + "ParameterList", "values"),
                       NN + "ParameterDict": _param_container(NN + "ParameterDict", "parameters")})


# --- deprecated upsampling names --------------------------------------------------------------------


def _upsample_fixed(name: str, mode: str, corners):
    api = F + name

    def handler(tr, args, keywords):
        b = _bind(api, ["input", "size", "scale_factor"], args, keywords, drop=())
        if is_none(b.get("size")) and is_none(b.get("scale_factor")):
            raise Unsupported(api, "one of size or scale_factor must be given")
        _need(tr, "t2j_interpolate")
        extra = {} if corners is None else {"align_corners": ast.Constant(corners)}
        return call("t2j_interpolate", b.pop("input"), **b, mode=ast.Constant(mode), **extra)
    return handler


HANDLERS[F + "upsample_nearest"] = _upsample_fixed("upsample_nearest", "nearest", None)
HANDLERS[F + "upsample_bilinear"] = _upsample_fixed("upsample_bilinear", "bilinear", True)


# --- Lazy* layers ------------------------------------------------------------------------------------


def _lazy(api: str):
    def handler(tr, args, keywords):
        raise Unsupported(api, "a Lazy layer infers its input size at the first call; give the size explicitly "
                               f"and use the non-lazy layer ({NOTE})")
    return handler


for _name in ("LazyLinear", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d",
              "LazyInstanceNorm2d", "LazyInstanceNorm3d", *(f"LazyConv{n}d" for n in (1, 2, 3)),
              *(f"LazyConvTranspose{n}d" for n in (1, 2, 3))):
    LAYER_HANDLERS[NN + _name] = _lazy(NN + _name)
