"""Matrix products: torch.addmm / addmv / baddbmm / addbmm (functions and methods), F.linear and the
bilinear form (F.bilinear, nn.Bilinear).

The addmm family becomes the product written with `@` (a batch sum for addbmm) passed to
`t2j_scaled_add`, which applies `beta` / `alpha` as PyTorch does: with `beta=0` the input is not
read at all, so NaN or inf in it does not turn into NaN through `0 * nan` (note
rules-scaled-products). F.linear keeps PyTorch's (out, in) weight; nn.Bilinear becomes
`BilinearTorch`, whose `weight` / `bias` keep PyTorch's names and shapes for the weight converter.

The trade-off: `beta` / `alpha` stay keyword arguments of a helper instead of being folded into
inline arithmetic, so the beta == 0 rule is decided in one place; a traced (non-literal) beta is
multiplied normally, as PyTorch does for any beta that is not exactly zero.
"""

from __future__ import annotations

import ast

from ..registry import RNGS, Unsupported, bind, call, helper_handler, need, register

NN = "torch.nn."
F = "torch.nn.functional."


def _matmul(a: ast.expr, b: ast.expr) -> ast.expr:
    return ast.BinOp(left=a, op=ast.MatMult(), right=b)


_SCALED = {
    "addmm": (["input", "mat1", "mat2"], lambda b: _matmul(b["mat1"], b["mat2"])),
    "addmv": (["input", "mat", "vec"], lambda b: _matmul(b["mat"], b["vec"])),
    "baddbmm": (["input", "batch1", "batch2"], lambda b: _matmul(b["batch1"], b["batch2"])),
    "addbmm": (["input", "batch1", "batch2"],
               lambda b: call("jnp.sum", _matmul(b["batch1"], b["batch2"]), axis=ast.Constant(0))),
}


def _scaled_product(name: str):
    api = f"torch.{name}"
    operands, product = _SCALED[name]

    def handler(tr, args, keywords):
        b = bind(api, [*operands, "beta", "alpha"], args, keywords, drop=())
        if len(args) > len(operands):
            raise Unsupported(api, "beta/alpha passed positionally (removed PyTorch signature); use keywords")
        missing = [o for o in operands if o not in b]
        if missing:
            raise Unsupported(api, f"missing operand(s) {', '.join(missing)}")
        need(tr, "t2j_scaled_add")
        extra = {k: b[k] for k in ("beta", "alpha") if k in b}
        return call("t2j_scaled_add", b["input"], product(b), **extra)
    return handler


for _name in _SCALED:
    register(f"torch.{_name}", f"torch.Tensor.{_name}")(_scaled_product(_name))

register(F + "linear")(helper_handler(F + "linear", "t2j_linear", ["input", "weight", "bias"]))


@register(F + "bilinear")
def _bilinear(tr, args, keywords):
    b = bind(F + "bilinear", ["input1", "input2", "weight", "bias"], args, keywords, drop=())
    need(tr, "t2j_bilinear")
    return call("t2j_bilinear", b.pop("input1"), b.pop("input2"), b.pop("weight"), **b)


@register(NN + "Bilinear")
def _bilinear_module(tr, args, keywords):
    b = bind(NN + "Bilinear", ["in1_features", "in2_features", "out_features", "bias"], args, keywords,
             drop=("device", "dtype"))
    need(tr, "BilinearTorch")
    return call("BilinearTorch", **b, **RNGS)
