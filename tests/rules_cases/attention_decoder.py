"""nn.TransformerDecoder (post-norm, sequence-first) with a causal target mask from
generate_square_subsequent_mask-style code and a memory padding mask, plus a pre-norm
batch-first decoder layer used on its own."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, d=16, heads=4, ff=32):
        super().__init__()
        layer = nn.TransformerDecoderLayer(d, heads, dim_feedforward=ff, dropout=0.1)
        self.decoder = nn.TransformerDecoder(layer, num_layers=2, norm=nn.LayerNorm(d))
        self.refine = nn.TransformerDecoderLayer(d, 2, ff, 0.0, "gelu", batch_first=True, norm_first=True)

    def forward(self, tgt, memory):
        t, s = tgt.size(0), memory.size(0)
        causal = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        pad = torch.zeros(memory.size(1), s, dtype=torch.bool)
        pad[:, -2:] = True
        y = self.decoder(tgt, memory, tgt_mask=causal, memory_key_padding_mask=pad)
        return self.refine(y.transpose(0, 1), memory.transpose(0, 1)).transpose(0, 1)


def get_inputs():
    return [torch.randn(5, 2, 16), torch.randn(7, 2, 16)]


def get_init_inputs():
    return []
