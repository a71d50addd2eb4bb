"""Attention with PyTorch's signatures: F.scaled_dot_product_attention, nn.MultiheadAttention and
the transformer encoder / decoder layers and stacks.

Each keeps PyTorch's call signature and return values (`out, weights = attn(q, k, v)`) while holding
its parameters in the structure the weight converter fills (`t2j_rag/weights.py`): an attention
layer is an `nnx.MultiHeadAttention`, an encoder layer has the submodule names PyTorch uses
(`self_attn`, `linear1`, `norm1`...). Notes: seq-mha-key-padding-mask,
seq-attn-mask-bool-conventions, seq-transformer-encoder-layer-defaults.

The trade-off: the attention forward pass is written out (einsums, PyTorch's masks, head-averaged
weights) instead of calling nnx.MultiHeadAttention's own, which masks and returns differently.
"""

import jax
import jax.numpy as jnp
from flax import nnx


def t2j_sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """F.scaled_dot_product_attention on (..., L, E) arrays; a boolean mask marks positions to KEEP."""
    scale = 1.0 / jnp.sqrt(q.shape[-1]).astype(q.dtype) if scale is None else scale
    scores = (q @ jnp.swapaxes(k, -2, -1)) * scale
    if is_causal:
        keep = jnp.tril(jnp.ones((q.shape[-2], k.shape[-2]), dtype=bool))
        scores = jnp.where(keep, scores, -jnp.inf)
    if attn_mask is not None:
        scores = jnp.where(attn_mask, scores, -jnp.inf) if attn_mask.dtype == bool else scores + attn_mask
    return jax.nn.softmax(scores, axis=-1) @ v


def t2j_attention_bias(scores, attn_mask=None, key_padding_mask=None, is_causal=False):
    """Add PyTorch's masks to (N, heads, L, S) scores. A boolean mask marks positions to IGNORE (True);
    a float mask is added. attn_mask is (L, S) or (N * heads, L, S); key_padding_mask is (N, S)."""
    n, heads, q_len, k_len = scores.shape
    if attn_mask is None and is_causal:
        attn_mask = jnp.triu(jnp.ones((q_len, k_len), dtype=bool), k=1)
    if attn_mask is not None:
        m = attn_mask if attn_mask.ndim == 2 else attn_mask.reshape(n, heads, q_len, k_len)
        scores = jnp.where(m, -jnp.inf, scores) if m.dtype == jnp.bool_ else scores + m
    if key_padding_mask is not None:
        m = key_padding_mask[:, None, None, :]
        scores = jnp.where(m, -jnp.inf, scores) if m.dtype == jnp.bool_ else scores + m
    return scores


class TorchMultiheadAttention(nnx.MultiHeadAttention):
    """nn.MultiheadAttention: attn(query, key, value, ...) -> (output, weights or None).

    Parameters live in nnx.MultiHeadAttention's query/key/value/out projections (kernels
    (in, heads, head_dim) and (heads, head_dim, out)); the forward pass is written out so that
    PyTorch's masks, sequence-first default and returned (head-averaged) weights are kept.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, *, rngs: nnx.Rngs):
        if add_bias_kv or add_zero_attn or (kdim or embed_dim) != (vdim or embed_dim):
            raise ValueError("add_bias_kv, add_zero_attn and kdim != vdim have no nnx.MultiHeadAttention layout")
        super().__init__(num_heads, embed_dim, qkv_features=embed_dim, out_features=embed_dim,
                         in_kv_features=kdim or embed_dim, use_bias=bias, decode=False, rngs=rngs)
        self.batch_first = batch_first
        self.attn_dropout = nnx.Dropout(dropout, rngs=rngs)

    def __call__(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                 average_attn_weights=True, is_causal=False):
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = query[None], key[None], value[None]
            key_padding_mask = None if key_padding_mask is None else key_padding_mask[None]
        elif not self.batch_first:
            query, key, value = (jnp.swapaxes(t, 0, 1) for t in (query, key, value))
        q, k, v = self.query(query), self.key(key), self.value(value)  # (N, L, heads, head_dim)
        scores = jnp.einsum("nlhd,nshd->nhls", q, k) / jnp.sqrt(jnp.float32(q.shape[-1])).astype(q.dtype)
        scores = t2j_attention_bias(scores, attn_mask, key_padding_mask, is_causal and attn_mask is None)
        weights = jax.nn.softmax(scores, axis=-1)
        out = self.out(jnp.einsum("nhls,nshd->nlhd", self.attn_dropout(weights), v))
        if unbatched:
            out, weights = out[0], weights[0]
        elif not self.batch_first:
            out = jnp.swapaxes(out, 0, 1)
        if not need_weights:
            return out, None
        return out, (jnp.mean(weights, axis=-3) if average_attn_weights else weights)


class TorchTransformerEncoderLayer(nnx.Module):
    """nn.TransformerEncoderLayer with PyTorch's defaults written out (feed-forward 2048, dropout 0.1,
    ReLU, LayerNorm eps 1e-5, sequence-first, post-norm) and PyTorch's submodule names."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True, *, rngs: nnx.Rngs):
        self.self_attn = TorchMultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=True,
                                                 rngs=rngs)
        self.linear1 = nnx.Linear(d_model, dim_feedforward, use_bias=bias, rngs=rngs)
        self.linear2 = nnx.Linear(dim_feedforward, d_model, use_bias=bias, rngs=rngs)
        self.norm1 = nnx.LayerNorm(d_model, epsilon=layer_norm_eps, use_bias=bias, rngs=rngs)
        self.norm2 = nnx.LayerNorm(d_model, epsilon=layer_norm_eps, use_bias=bias, rngs=rngs)
        self.dropout = nnx.Dropout(dropout, rngs=rngs)
        self.dropout1 = nnx.Dropout(dropout, rngs=rngs)
        self.dropout2 = nnx.Dropout(dropout, rngs=rngs)
        # PyTorch's "gelu" is the exact (erf) GELU, not jax.nn.gelu's tanh default.
        if activation == "gelu":
            activation = lambda x: jax.nn.gelu(x, approximate=False)  # noqa: E731
        self.activation = jax.nn.relu if activation == "relu" else activation
        self.batch_first, self.norm_first = batch_first, norm_first

    def _attend(self, x, mask, padding, is_causal):
        out, _ = self.self_attn(x, x, x, key_padding_mask=padding, need_weights=False, attn_mask=mask,
                                is_causal=is_causal)
        return self.dropout1(out)

    def _feed_forward(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def __call__(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src if self.batch_first or src.ndim == 2 else jnp.swapaxes(src, 0, 1)
        if self.norm_first:
            x = x + self._attend(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._feed_forward(self.norm2(x))
        else:
            x = self.norm1(x + self._attend(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._feed_forward(x))
        return x if self.batch_first or src.ndim == 2 else jnp.swapaxes(x, 0, 1)


class TorchTransformerEncoder(nnx.Module):
    """nn.TransformerEncoder: num_layers independent copies of encoder_layer in `layers`, then `norm`."""

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        self.layers = nnx.List([nnx.clone(encoder_layer) for _ in range(num_layers)])
        self.norm = norm

    def __call__(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        for layer in self.layers:
            src = layer(src, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=bool(is_causal))
        return src if self.norm is None else self.norm(src)


class TorchTransformerDecoderLayer(TorchTransformerEncoderLayer):
    """nn.TransformerDecoderLayer: the encoder layer's self-attention and feed-forward plus
    cross-attention on `memory` (`multihead_attn`, `norm3`, `dropout3`), PyTorch's defaults."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu",
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True, *, rngs: nnx.Rngs):
        super().__init__(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                         norm_first, bias, rngs=rngs)
        self.multihead_attn = TorchMultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                      batch_first=True, rngs=rngs)
        self.norm3 = nnx.LayerNorm(d_model, epsilon=layer_norm_eps, use_bias=bias, rngs=rngs)
        self.dropout3 = nnx.Dropout(dropout, rngs=rngs)

    def _cross(self, x, memory, mask, padding, is_causal):
        out, _ = self.multihead_attn(x, memory, memory, key_padding_mask=padding, need_weights=False,
                                     attn_mask=mask, is_causal=is_causal)
        return self.dropout2(out)

    def _feed_forward(self, x):
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def __call__(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                 memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        flip = not self.batch_first and tgt.ndim == 3
        x = jnp.swapaxes(tgt, 0, 1) if flip else tgt
        memory = jnp.swapaxes(memory, 0, 1) if flip else memory
        if self.norm_first:
            x = x + self._attend(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._cross(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            x = x + self._feed_forward(self.norm3(x))
        else:
            x = self.norm1(x + self._attend(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._cross(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._feed_forward(x))
        return jnp.swapaxes(x, 0, 1) if flip else x


class TorchTransformerDecoder(nnx.Module):
    """nn.TransformerDecoder: num_layers independent copies of decoder_layer in `layers`, then `norm`."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        self.layers = nnx.List([nnx.clone(decoder_layer) for _ in range(num_layers)])
        self.norm = norm

    def __call__(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                 memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        for layer in self.layers:
            tgt = layer(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask,
                        bool(tgt_is_causal), memory_is_causal)
        return tgt if self.norm is None else self.norm(tgt)
