"""torch.nn.utils gradient clipping -> the same formula applied to the gradient pytree inside the train step.

PyTorch clips `p.grad` in place between `backward()` and `step()`; in JAX the gradients are the value
`nnx.value_and_grad` returned, so `torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)` becomes
`grads, total_norm = clip_grad_norm(grads, 1.0)` (the helper returns the clipped gradients and the norm
torch returns). The engine assigns the result; this module gives it the call.

The trade-off: clipping acts on all the gradients the step computed. Clipping only a submodule's gradients
(`clip_grad_norm_(model.fc.parameters(), ...)`) would need a split and a merge of the gradient state and is
reported as unsupported, as is `error_if_nonfinite=True` (raising from inside a jitted step).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from ..registry import Unsupported
from .binding import Signature, bind, call, is_literal, short_api
from .parameters import select

SIGNATURES = {name: Signature.parse(text) for name, text in {
    "clip_grad_norm_": "parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None",
    "clip_grad_norm": "parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None",
    "clip_grad_value_": "parameters, clip_value, foreach=None",
}.items()}


@dataclass(frozen=True)
class ClippingTranslation:
    """`expr` computes on `grads`; `returns` says what it evaluates to: "grads_and_norm" (assign
    `grads, norm = expr`) or "grads" (assign `grads = expr`)."""

    expr: ast.expr
    returns: str
    helpers: frozenset[str]


def translate_clipping(api: str, args: Sequence[ast.expr], keywords: Sequence[ast.keyword],
                       grads: ast.expr) -> ClippingTranslation:
    """Translate a torch.nn.utils clipping call whose gradients are held in `grads` (an nnx gradient State).

    Example: clip_grad_norm_(model.parameters(), max_norm=1.0) -> `clip_grad_norm(grads, 1.0)`, returning
    (clipped grads, total norm)."""
    name = short_api(api, "torch.nn.utils")
    construct = f"torch.nn.utils.{name}" if name else api
    if name not in SIGNATURES:
        raise Unsupported(construct, "not a gradient clipping function this translation knows")
    hp = bind(construct, SIGNATURES[name], args, keywords)
    selection = select(construct, hp["parameters"])
    if selection.modules is not None:
        raise Unsupported(construct, "clipping the gradients of a submodule only is not covered")
    if not is_literal(hp.get("error_if_nonfinite", ast.Constant(False)), False):
        raise Unsupported(construct, "error_if_nonfinite=True would raise inside a jitted train step")
    norm_type = None if is_literal(hp.get("norm_type"), 2.0) else hp.get("norm_type")
    if name == "clip_grad_value_":
        return ClippingTranslation(call("clip_grad_value", grads, hp["clip_value"]), "grads",
                                   frozenset({"clip_grad_value"}))
    return ClippingTranslation(call("clip_grad_norm", grads, hp["max_norm"], norm_type=norm_type), "grads_and_norm",
                               frozenset({"clip_grad_norm"}))
