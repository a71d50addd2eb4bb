"""Handlers for `torch.nn.functional` calls that need more than a rename: pooling, padding,
dropout, attention, linear/layer_norm with explicit weights (losses and distances: losses.py).

They route through the helpers in `runtime.py`, which implement PyTorch's
arithmetic (pool output sizes, `count_include_pad`, reversed pad pairs) once.
Dropout is translated only when it is provably inactive (`training=False`, or
`training=self.training` in a module verified in eval mode is still random in
training, so that one stays a TODO): randomness needs an explicit key.

The trade-off: a functional call whose options the handler does not know is
reported untranslated rather than approximated.
"""

from __future__ import annotations

import ast

from .calls import _MISSING, literal
from .context import Unsupported
from .expressions import call, jexpr
from .special import HANDLERS, _bind, _need

F = "torch.nn.functional."


def _pool(kind: str, nd: int):
    api = f"{F}{kind}_pool{nd}d"
    params = (["input", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"] if kind == "max"
              else ["input", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"])

    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords)
        if literal(b.pop("return_indices", ast.Constant(False))) is not False:
            raise Unsupported(api, "return_indices=True is not handled")
        _need(tr, "t2j_pool")
        return call("t2j_pool", b.pop("input"), ast.Constant(kind), ast.Constant(nd), **b)
    return handler


def _adaptive(kind: str, nd: int):
    api = f"{F}adaptive_{kind}_pool{nd}d"

    def handler(tr, args, keywords):
        b = _bind(api, ["input", "output_size", "return_indices"], args, keywords)
        if literal(b.pop("return_indices", ast.Constant(False))) is not False:
            raise Unsupported(api, "return_indices=True is not handled")
        _need(tr, "t2j_adaptive_pool", "t2j_tuple")
        return call("t2j_adaptive_pool", b["input"], ast.Constant(kind),
                    call("t2j_tuple", b["output_size"], ast.Constant(nd)))
    return handler


for _nd in (1, 2, 3):
    for _kind in ("max", "avg"):
        HANDLERS[f"{F}{_kind}_pool{_nd}d"] = _pool(_kind, _nd)
        HANDLERS[f"{F}adaptive_{_kind}_pool{_nd}d"] = _adaptive(_kind, _nd)


def _helper_call(api: str, helper: str, params: list[str], rename: dict[str, str] | None = None):
    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords)
        _need(tr, helper)
        first = b.pop(params[0])
        return call(helper, first, **{(rename or {}).get(k, k): v for k, v in b.items()})
    return handler


HANDLERS[F + "pad"] = _helper_call(F + "pad", "t2j_pad", ["input", "pad", "mode", "value"])
HANDLERS[F + "normalize"] = _helper_call(F + "normalize", "t2j_normalize", ["input", "p", "dim", "eps"],
                                         {"dim": "axis"})
HANDLERS[F + "linear"] = _helper_call(F + "linear", "t2j_linear", ["input", "weight", "bias"])
HANDLERS[F + "layer_norm"] = _helper_call(F + "layer_norm", "t2j_layer_norm",
                                          ["input", "normalized_shape", "weight", "bias", "eps"])


def _sdpa(tr, args, keywords):
    api = F + "scaled_dot_product_attention"
    b = _bind(api, ["query", "key", "value", "attn_mask", "dropout_p", "is_causal", "scale", "enable_gqa"], args,
              keywords)
    if "dropout_p" in b and literal(b.pop("dropout_p")) not in (0, 0.0):
        raise Unsupported(api, "dropout_p > 0 needs a PRNG key (note seq-sdpa-layout)")
    if literal(b.pop("enable_gqa", ast.Constant(False))) is not False:
        raise Unsupported(api, "enable_gqa=True is not handled")
    _need(tr, "t2j_sdpa")
    return call("t2j_sdpa", b.pop("query"), b.pop("key"), b.pop("value"), **b)


HANDLERS[F + "scaled_dot_product_attention"] = _sdpa


def _dropout(api: str):
    def handler(tr, args, keywords):
        b = _bind(api, ["input", "p", "training", "inplace"], args, keywords)
        training = literal(b["training"]) if "training" in b else True
        if training is False or literal(b.get("p", ast.Constant(0.5))) in (0, 0.0):
            return b["input"]
        follows_mode = training is _MISSING and "self.deterministic" in ast.unparse(b["training"])
        if follows_mode and api != F + "alpha_dropout" and tr.ctx.in_module_method:
            # training=self.training: identity in eval, a fresh mask from the module's own key in training
            tr.ctx.uses_rngs = True
            _need(tr, "t2j_dropout")
            return call("t2j_dropout", b["input"], b.get("p", ast.Constant(0.5)), b["training"],
                        jexpr("self.t2j_rngs"), channels=ast.Constant(api != F + "dropout"))
        raise Unsupported(api, "functional dropout with training=True drops even in eval mode, and needs a PRNG "
                               "key; use nnx.Dropout or training=self.training (note modules-dropout-rate-rngs)")
    return handler


for _name in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout"):
    HANDLERS[F + _name] = _dropout(F + _name)


# Losses (mse_loss, cross_entropy ... and their nn modules) are in losses.py.


def _one_hot(tr, args, keywords):
    api = F + "one_hot"
    b = _bind(api, ["input", "num_classes"], args, keywords)
    n = literal(b["num_classes"]) if "num_classes" in b else -1
    if n == -1 or n is _MISSING and "num_classes" not in b:
        raise Unsupported(api, "num_classes must be given (the output shape cannot depend on the data)")
    return call("jax.nn.one_hot", b["input"], b["num_classes"], dtype=ast.Attribute(
        value=ast.Name("jnp", ast.Load()), attr="int32", ctx=ast.Load()))


HANDLERS[F + "one_hot"] = _one_hot

from . import channels as _channels  # noqa: E402,F401  (functional norms, prelu, interpolate)
from . import products as _products  # noqa: E402,F401  (torch.addmm family)
from . import losses as _losses  # noqa: E402,F401  (loss functions, loss modules, distances)
from . import tensor_ops as _tensor_ops  # noqa: E402,F401  (more torch tensor functions and methods)
