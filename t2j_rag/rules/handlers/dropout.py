"""Dropout with an explicit mode: F.dropout / dropout1d / 2d / 3d / alpha_dropout /
feature_alpha_dropout, and the nn.AlphaDropout / nn.FeatureAlphaDropout modules (nn.Dropout itself
is a data rule onto nnx.Dropout).

A functional call that is provably inactive (`training=False`, or p == 0) becomes its input;
`training=self.training` in a module becomes `t2j_dropout` drawing from the module's own key
stream, identity in eval like PyTorch (note modules-dropout-rate-rngs).

The trade-off: `training=True` outside that pattern drops even in eval mode and needs a key the
source does not have, so it stays a TODO instead of becoming a silently different model.
"""

from __future__ import annotations

import ast

from ..registry import MISSING, RNGS, Unsupported, bind, call, jexpr, literal, need, register

NN = "torch.nn."
F = "torch.nn.functional."


def _dropout(api: str):
    def handler(tr, args, keywords):
        b = bind(api, ["input", "p", "training", "inplace"], args, keywords)
        training = literal(b["training"]) if "training" in b else True
        if training is False or literal(b.get("p", ast.Constant(0.5))) in (0, 0.0):
            return b["input"]
        follows_mode = training is MISSING and "self.deterministic" in ast.unparse(b["training"])
        if follows_mode and api != F + "alpha_dropout" and tr.ctx.in_module_method:
            # training=self.training: identity in eval, a fresh mask from the module's own key in training
            tr.ctx.uses_rngs = True
            need(tr, "t2j_dropout")
            return call("t2j_dropout", b["input"], b.get("p", ast.Constant(0.5)), b["training"],
                        jexpr("self.t2j_rngs"), channels=ast.Constant(api != F + "dropout"))
        raise Unsupported(api, "functional dropout with training=True drops even in eval mode, and needs a PRNG "
                               "key; use nnx.Dropout or training=self.training (note modules-dropout-rate-rngs)")
    return handler


for _name in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout"):
    register(F + _name)(_dropout(F + _name))


@register(F + "feature_alpha_dropout")
def _feature_alpha_dropout(tr, args, keywords):
    api = F + "feature_alpha_dropout"
    b = bind(api, ["input", "p", "training", "inplace"], args, keywords)
    if literal(b.get("training", ast.Constant(False))) is False or literal(b.get("p", ast.Constant(0.5))) in (0, 0.0):
        return b["input"]
    raise Unsupported(api, "functional dropout in training mode needs a PRNG key; use nn.FeatureAlphaDropout "
                           "(note modules-dropout-rate-rngs)")


def _alpha_dropout_module(feature: bool):
    api = NN + ("FeatureAlphaDropout" if feature else "AlphaDropout")

    def handler(tr, args, keywords):
        b = bind(api, ["p", "inplace"], args, keywords, drop=("inplace",))
        b.pop("inplace", None)
        need(tr, "AlphaDropoutTorch")
        return call("AlphaDropoutTorch", **b, feature=ast.Constant(feature), **RNGS)
    return handler


register(NN + "AlphaDropout")(_alpha_dropout_module(False))
register(NN + "FeatureAlphaDropout")(_alpha_dropout_module(True))
