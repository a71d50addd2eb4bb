"""Attention: F.scaled_dot_product_attention, nn.MultiheadAttention, nn.TransformerEncoderLayer /
DecoderLayer, nn.TransformerEncoder / Decoder and nn.Transformer.generate_square_subsequent_mask.

The modules become runtime helpers that keep PyTorch's call signatures, masks and return values
(`out, weights = self.attn(q, k, v)`) while their parameters sit in nnx.MultiHeadAttention and
PyTorch's submodule names (notes seq-nnx-mha-decode-weights, seq-transformer-encoder-layer-defaults,
seq-attn-mask-bool-conventions, seq-sdpa-layout).

The trade-off: attention options with no counterpart in nnx.MultiHeadAttention's parameter layout
(`add_bias_kv`, `add_zero_attn`, different key and value widths, a callable activation) and a
random attention dropout in F.scaled_dot_product_attention are reported untranslated.
"""

from __future__ import annotations

import ast

from ..registry import RNGS, Unsupported, bind, call, jexpr, literal, need, register, require_literal

NN = "torch.nn."
F = "torch.nn.functional."
_DROP = ("device", "dtype")


@register(F + "scaled_dot_product_attention")
def _sdpa(tr, args, keywords):
    api = F + "scaled_dot_product_attention"
    b = bind(api, ["query", "key", "value", "attn_mask", "dropout_p", "is_causal", "scale", "enable_gqa"], args,
             keywords)
    if "dropout_p" in b and literal(b.pop("dropout_p")) not in (0, 0.0):
        raise Unsupported(api, "dropout_p > 0 needs a PRNG key (note seq-sdpa-layout)")
    if literal(b.pop("enable_gqa", ast.Constant(False))) is not False:
        raise Unsupported(api, "enable_gqa=True is not handled")
    need(tr, "t2j_sdpa")
    return call("t2j_sdpa", b.pop("query"), b.pop("key"), b.pop("value"), **b)


@register(NN + "MultiheadAttention")
def _multihead_attention(tr, args, keywords):
    api = NN + "MultiheadAttention"
    b = bind(api, ["embed_dim", "num_heads", "dropout", "bias", "add_bias_kv", "add_zero_attn", "kdim", "vdim",
                   "batch_first"], args, keywords, drop=_DROP)
    require_literal(api, b, "add_bias_kv", (False,), "seq-nnx-mha-decode-weights")
    require_literal(api, b, "add_zero_attn", (False,), "seq-nnx-mha-decode-weights")
    if ast.unparse(b.get("kdim", ast.Constant(None))) != ast.unparse(b.get("vdim", ast.Constant(None))):
        raise Unsupported(api, "different kdim and vdim: nnx.MultiHeadAttention has one key/value input width "
                               "(note seq-nnx-mha-decode-weights)")
    need(tr, "TorchMultiheadAttention")
    return call("TorchMultiheadAttention", **b, **RNGS)


def _transformer_layer(kind: str):
    api, helper = NN + f"Transformer{kind}Layer", f"TorchTransformer{kind}Layer"

    def handler(tr, args, keywords):
        b = bind(api, ["d_model", "nhead", "dim_feedforward", "dropout", "activation", "layer_norm_eps",
                       "batch_first", "norm_first", "bias"], args, keywords, drop=_DROP)
        require_literal(api, b, "activation", ("relu", "gelu"), "seq-transformer-encoder-layer-defaults")
        need(tr, helper)
        return call(helper, **b, **RNGS)
    return handler


def _stack(kind: str):
    api, helper = NN + f"Transformer{kind}", f"TorchTransformer{kind}"
    params = ([f"{kind.lower()}_layer", "num_layers", "norm"]
              + (["enable_nested_tensor", "mask_check"] if kind == "Encoder" else []))

    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords, drop=_DROP)
        need(tr, helper)
        return call(helper, **b)
    return handler


for _kind in ("Encoder", "Decoder"):
    register(f"{NN}Transformer{_kind}Layer")(_transformer_layer(_kind))
    register(f"{NN}Transformer{_kind}")(_stack(_kind))


@register(NN + "Transformer.generate_square_subsequent_mask")
def _square_subsequent_mask(tr, args, keywords):
    """nn.Transformer.generate_square_subsequent_mask(sz): 0 on and below the diagonal, -inf above
    (note seq-attn-mask-bool-conventions); `device`/`dtype` place it, float32 is the default."""
    api = NN + "Transformer.generate_square_subsequent_mask"
    b = bind(api, ["sz", "device", "dtype"], args, keywords, drop=("device",))
    size = ast.Tuple(elts=[b["sz"], b["sz"]], ctx=ast.Load())
    full = call("jnp.full", size, jexpr("-jnp.inf"), dtype=b.get("dtype", jexpr("jnp.float32")))
    return call("jnp.triu", full, k=ast.Constant(1))
