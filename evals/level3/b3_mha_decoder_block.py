import torch
import torch.nn as nn

tgt_len = 10
src_len = 14
batch_size = 3
d_model = 32
n_heads = 4
d_ff = 64


class Model(nn.Module):
    """Post-norm transformer decoder block written with two sequence-first nn.MultiheadAttention layers:
    causal self-attention (float -inf mask), cross-attention with a memory key padding mask, ReLU FFN."""

    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d_model, n_heads, dropout=0.1)
        self.cross_attn = nn.MultiheadAttention(d_model, n_heads, dropout=0.1)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.norm3 = nn.LayerNorm(d_model)
        self.ffn = nn.Sequential(
            nn.Linear(d_model, d_ff),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(d_ff, d_model),
        )

    def forward(self, tgt, memory, memory_pad):
        t = tgt.size(0)
        causal = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        x = tgt
        sa, _ = self.self_attn(x, x, x, attn_mask=causal, need_weights=False)
        x = self.norm1(x + sa)
        ca, _ = self.cross_attn(x, memory, memory, key_padding_mask=memory_pad)
        x = self.norm2(x + ca)
        return self.norm3(x + self.ffn(x))


def get_inputs():
    lengths = torch.randint(1, src_len + 1, (batch_size, 1))
    memory_pad = torch.arange(src_len).unsqueeze(0) >= lengths
    return [torch.randn(tgt_len, batch_size, d_model), torch.randn(src_len, batch_size, d_model), memory_pad]


def get_init_inputs():
    return [d_model, n_heads, d_ff]
