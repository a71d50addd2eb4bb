"""Activations whose arguments a data rule cannot express: PReLU (module and functional, a slope per
channel on axis 1), Softplus and Hardtanh with non-default arguments, and RReLU.

Activation modules with default arguments are data rules (kind "activation" in the notes); these
handlers keep the jax.nn function when the arguments are PyTorch's defaults and otherwise bind them
into a runtime helper (notes layers-prelu-leaky-params, rules-activations-more).

The trade-off: F.rrelu in training mode draws random slopes and has no key, so it is reported;
nn.RReLU becomes a module with its own RNG stream instead.
"""

from __future__ import annotations

import ast

from ..registry import RNGS, Unsupported, bind, call, jexpr, literal, need, partial, register

NN = "torch.nn."
F = "torch.nn.functional."


@register(F + "prelu")
def _prelu(tr, args, keywords):
    b = bind(F + "prelu", ["input", "weight"], args, keywords, drop=())
    if "weight" not in b:
        raise Unsupported(F + "prelu", "the weight argument is required")
    need(tr, "t2j_prelu")
    return call("t2j_prelu", b["input"], b["weight"])


@register(NN + "PReLU")
def _prelu_module(tr, args, keywords):
    b = bind(NN + "PReLU", ["num_parameters", "init"], args, keywords, drop=("device", "dtype"))
    need(tr, "PReLUNCHW")
    return call("PReLUNCHW", **b)


@register(NN + "Softplus")
def _softplus_module(tr, args, keywords):
    b = bind(NN + "Softplus", ["beta", "threshold"], args, keywords, drop=())
    if not b:
        return jexpr("jax.nn.softplus")  # beta=1, threshold=20: jax.nn.softplus agrees to float32 precision
    return partial(tr, "t2j_softplus", **b)


@register(F + "softplus")
def _softplus(tr, args, keywords):
    b = bind(F + "softplus", ["input", "beta", "threshold"], args, keywords, drop=())
    if len(b) == 1:
        return call("jax.nn.softplus", b["input"])
    need(tr, "t2j_softplus")
    return call("t2j_softplus", b.pop("input"), **b)


@register(NN + "Hardtanh")
def _hardtanh_module(tr, args, keywords):
    b = bind(NN + "Hardtanh", ["min_val", "max_val", "inplace"], args, keywords, drop=("inplace",))
    b.pop("inplace", None)
    if not b:
        return jexpr("jax.nn.hard_tanh")  # the default range [-1, 1]
    return partial(tr, "t2j_hardtanh", **b)


@register(F + "hardtanh")
def _hardtanh(tr, args, keywords):
    b = bind(F + "hardtanh", ["input", "min_val", "max_val", "inplace"], args, keywords, drop=("inplace",))
    b.pop("inplace", None)
    need(tr, "t2j_hardtanh")
    return call("t2j_hardtanh", b.pop("input"), **b)


@register(F + "rrelu")
def _rrelu(tr, args, keywords):
    api = F + "rrelu"
    b = bind(api, ["input", "lower", "upper", "training", "inplace"], args, keywords, drop=("inplace",))
    b.pop("inplace", None)
    if literal(b.pop("training", ast.Constant(False))) is not False:
        raise Unsupported(api, "training=True draws random slopes and needs a PRNG key; use nn.RReLU, which "
                               "becomes a module with an RNG stream (note rules-activations-more)")
    need(tr, "t2j_rrelu_eval")
    return call("t2j_rrelu_eval", b.pop("input"), **b)


@register(NN + "RReLU")
def _rrelu_module(tr, args, keywords):
    b = bind(NN + "RReLU", ["lower", "upper", "inplace"], args, keywords, drop=("inplace",))
    b.pop("inplace", None)
    need(tr, "RReLUTorch")
    return call("RReLUTorch", **b, **RNGS)
