"""torch.addmm, addmv, baddbmm and addbmm (and their tensor-method forms): beta * input + alpha * product.

Each becomes the matrix product written with `@` (a batch sum for addbmm) passed
to the `t2j_scaled_add` helper, which applies `beta`/`alpha` the way PyTorch
does: with `beta=0` the input is not read at all, so NaN or inf in it does not
turn into NaN through `0 * nan` (note rules-scaled-products).

The trade-off: `beta`/`alpha` stay keyword arguments of a helper instead of
being folded into inline arithmetic, so the beta == 0 rule is decided in one
place; a traced (non-literal) beta is multiplied normally, as PyTorch does for
any beta that is not exactly zero.
"""

from __future__ import annotations

import ast

from .context import Unsupported
from .expressions import call
from .special import HANDLERS, METHOD_HANDLERS, _bind, _need

NOTE = "rules-scaled-products"


def _matmul(a: ast.expr, b: ast.expr) -> ast.expr:
    return ast.BinOp(left=a, op=ast.MatMult(), right=b)


_PRODUCTS = {
    "addmm": (["input", "mat1", "mat2"], lambda b: _matmul(b["mat1"], b["mat2"])),
    "addmv": (["input", "mat", "vec"], lambda b: _matmul(b["mat"], b["vec"])),
    "baddbmm": (["input", "batch1", "batch2"], lambda b: _matmul(b["batch1"], b["batch2"])),
    "addbmm": (["input", "batch1", "batch2"],
               lambda b: call("jnp.sum", _matmul(b["batch1"], b["batch2"]), axis=ast.Constant(0))),
}


def _scaled_product(name: str):
    api = f"torch.{name}"
    operands, product = _PRODUCTS[name]

    def translate(tr, args, keywords):
        b = _bind(api, [*operands, "beta", "alpha"], args, keywords, drop=())
        if len(args) > len(operands):
            raise Unsupported(api, "beta/alpha passed positionally (removed PyTorch signature); use keywords")
        missing = [o for o in operands if o not in b]
        if missing:
            raise Unsupported(api, f"missing operand(s) {', '.join(missing)}")
        _need(tr, "t2j_scaled_add")
        extra = {k: b[k] for k in ("beta", "alpha") if k in b}
        return call("t2j_scaled_add", b["input"], product(b), **extra)

    def function(tr, args, keywords):
        return translate(tr, args, keywords)

    def method(tr, recv, args, keywords):
        return translate(tr, [recv, *args], keywords)
    return function, method


for _name in _PRODUCTS:
    HANDLERS[f"torch.{_name}"], METHOD_HANDLERS[f"torch.Tensor.{_name}"] = _scaled_product(_name)
