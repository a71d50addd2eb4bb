"""Elementwise arithmetic a rename cannot express: division with a rounding mode (torch.div / divide
and the method spellings of true_divide, floor_divide, fmod, remainder), addcmul / addcdiv, lerp,
logit, xlogy, renorm, cross, frac and clamp_min / clamp_max.

Plain renames of the same family are data rules (notes tensors-int-division,
rules-tensor-functions-more); a handler here either writes the arithmetic out (`input + value *
t1 * t2`) or calls a runtime helper whose edge cases match PyTorch (trunc division of integers,
logit's eps clamp, xlogy with NaN, lerp's two-sided formula).

The trade-off: a rounding mode or option that is not a literal is reported instead of being
decided at run time, so the translated line never branches on a Python string inside jit.
"""

from __future__ import annotations

import ast

from ..registry import MISSING, Unsupported, bind, call, helper_handler, literal, literal_value, need, register

NOTE = "rules-tensor-functions-more"


@register("torch.div", "torch.Tensor.div")
def _div(tr, args, keywords):
    b = bind("torch.div", ["input", "other", "rounding_mode"], args, keywords)
    mode = literal(b["rounding_mode"]) if "rounding_mode" in b else None
    fn = {None: "jnp.true_divide", "floor": "jnp.floor_divide", "trunc": "t2j_div_trunc"}.get(mode, None)
    if fn is None or mode is MISSING:
        raise Unsupported("torch.div", f"rounding_mode={mode!r} not handled (note tensors-int-division)")
    if mode == "trunc":
        need(tr, fn)
    return call(fn, b["input"], b["other"])


@register("torch.divide", "torch.Tensor.divide", rename_unsupported=True)
def _divide(tr, args, keywords):
    b = bind("torch.divide", ["input", "other", "rounding_mode"], args, keywords)
    mode = literal_value("torch.divide", b["rounding_mode"], "rounding_mode", NOTE) if "rounding_mode" in b else None
    if mode is None:
        return call("jnp.true_divide", b["input"], b["other"])
    if mode == "floor":
        return call("jnp.floor_divide", b["input"], b["other"])
    if mode == "trunc":
        need(tr, "t2j_div_trunc")
        return call("t2j_div_trunc", b["input"], b["other"])
    raise Unsupported("torch.divide", f"rounding_mode={mode!r} is not a PyTorch rounding mode")


def _binary_method(api: str, fn: str):
    def handler(tr, args, keywords):
        return call(fn, *bind(api, ["input", "other"], args, keywords).values())
    return handler


# torch.true_divide / floor_divide / fmod / remainder are data rules (note tensors-int-division);
# their method spellings are added here without touching that note.
for _name, _fn in (("true_divide", "jnp.true_divide"), ("floor_divide", "jnp.floor_divide"), ("fmod", "jnp.fmod"),
                   ("remainder", "jnp.remainder")):
    register(f"torch.Tensor.{_name}")(_binary_method(f"torch.Tensor.{_name}", _fn))


def _addc(op: ast.operator):
    api = f"torch.addc{'mul' if isinstance(op, ast.Mult) else 'div'}"

    def handler(tr, args, keywords):
        b = bind(api, ["input", "tensor1", "tensor2", "value"], args, keywords)
        prod = ast.BinOp(left=b["tensor1"], op=op, right=b["tensor2"])
        if "value" in b:
            prod = ast.BinOp(left=b["value"], op=ast.Mult(), right=prod)
        return ast.BinOp(left=b["input"], op=ast.Add(), right=prod)
    return handler


register("torch.addcmul", "torch.Tensor.addcmul", rename_unsupported=True)(_addc(ast.Mult()))
register("torch.addcdiv", "torch.Tensor.addcdiv", rename_unsupported=True)(_addc(ast.Div()))

for _name, _helper, _params, _positional in (
        ("lerp", "t2j_lerp", ["input", "end", "weight"], 3),
        ("logit", "t2j_logit", ["input", "eps"], 1),
        ("xlogy", "t2j_xlogy", ["input", "other"], 2),
        ("renorm", "t2j_renorm", ["input", "p", "dim", "maxnorm"], 4),
        ("cross", "t2j_cross", ["input", "other", "dim"], 2)):
    register(f"torch.{_name}", f"torch.Tensor.{_name}", rename_unsupported=True)(
        helper_handler(f"torch.{_name}", _helper, _params, keyword_from=_positional))


@register("torch.frac", "torch.Tensor.frac", rename_unsupported=True)
def _frac(tr, args, keywords):
    # x - trunc(x), exactly
    return call("jnp.fmod", bind("torch.frac", ["input"], args, keywords)["input"], ast.Constant(1.0))


@register("torch.clamp_min", "torch.Tensor.clamp_min", rename_unsupported=True)
def _clamp_min(tr, args, keywords):
    return call("jnp.maximum", *bind("torch.clamp_min", ["input", "min"], args, keywords).values())


@register("torch.clamp_max", "torch.Tensor.clamp_max", rename_unsupported=True)
def _clamp_max(tr, args, keywords):
    return call("jnp.minimum", *bind("torch.clamp_max", ["input", "max"], args, keywords).values())
