"""Lookups: F.embedding with an explicit weight, F.embedding_bag and nn.EmbeddingBag, and F.one_hot
(nn.Embedding itself is a data rule onto nnx.Embed).

F.embedding is a row lookup (`jnp.take(weight, input, axis=0)`); the bag forms go through
`t2j_embedding_bag`, and nn.EmbeddingBag becomes `EmbeddingBagTorch`, whose table keeps PyTorch's
name `weight` (note modules-embedding-padding-init).

The trade-off: `max_norm`, which renormalises looked-up rows of the table in place, is reported
untranslated; the options that only change gradients (`scale_grad_by_freq`, `sparse`, and
`padding_idx` for F.embedding) are dropped, since the forward values do not depend on them.
"""

from __future__ import annotations

import ast

from ..registry import MISSING, RNGS, Unsupported, bind, call, is_none, literal, need, register

NN = "torch.nn."
F = "torch.nn.functional."
_ONLY_GRADIENT = ("scale_grad_by_freq", "sparse")  # change how gradients are formed, not the forward values


@register(F + "embedding")
def _embedding(tr, args, keywords):
    api = F + "embedding"
    b = bind(api, ["input", "weight", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"],
             args, keywords, drop=())
    if not is_none(b.get("max_norm")):
        raise Unsupported(api, "max_norm renormalises the looked-up rows of the weight in place; not handled "
                               "(note modules-embedding-padding-init)")
    # padding_idx, scale_grad_by_freq and sparse only change the gradient; the forward is a row lookup.
    return call("jnp.take", b["weight"], b["input"], axis=ast.Constant(0))


def _bag_checks(api: str, b: dict) -> None:
    if not is_none(b.pop("max_norm", None)):
        raise Unsupported(api, "max_norm renormalises the looked-up rows of the table in place; not handled "
                               "(note modules-embedding-padding-init)")
    b.pop("norm_type", None)  # only used with max_norm
    for name in _ONLY_GRADIENT:
        b.pop(name, None)
    mode = literal(b.get("mode", ast.Constant("mean")))
    if mode not in ("sum", "mean", "max"):
        raise Unsupported(api, f"mode must be a literal 'sum', 'mean' or 'max', got {ast.unparse(b['mode'])}")


@register(NN + "EmbeddingBag")
def _embedding_bag_module(tr, args, keywords):
    api = NN + "EmbeddingBag"
    b = bind(api, ["num_embeddings", "embedding_dim", "max_norm", "norm_type", "scale_grad_by_freq", "mode",
                   "sparse", "_weight", "include_last_offset", "padding_idx"], args, keywords,
             drop=("device", "dtype"))
    if not is_none(b.pop("_weight", None)):
        raise Unsupported(api, "_weight (an initial table) is not handled (note rules-layers-more)")
    _bag_checks(api, b)
    need(tr, "EmbeddingBagTorch")
    return call("EmbeddingBagTorch", **b, **RNGS)


@register(F + "embedding_bag")
def _embedding_bag(tr, args, keywords):
    api = F + "embedding_bag"
    b = bind(api, ["input", "weight", "offsets", "max_norm", "norm_type", "scale_grad_by_freq", "mode", "sparse",
                   "per_sample_weights", "include_last_offset", "padding_idx"], args, keywords, drop=())
    _bag_checks(api, b)
    need(tr, "t2j_embedding_bag")
    return call("t2j_embedding_bag", b.pop("input"), b.pop("weight"), **b)


@register(F + "one_hot")
def _one_hot(tr, args, keywords):
    api = F + "one_hot"
    b = bind(api, ["input", "num_classes"], args, keywords)
    n = literal(b["num_classes"]) if "num_classes" in b else -1
    if n == -1 or n is MISSING and "num_classes" not in b:
        raise Unsupported(api, "num_classes must be given (the output shape cannot depend on the data)")
    return call("jax.nn.one_hot", b["input"], b["num_classes"], dtype=ast.Attribute(
        value=ast.Name("jnp", ast.Load()), attr="int32", ctx=ast.Load()))
