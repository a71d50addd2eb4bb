"""nn.MultiheadAttention (sequence-first, causal boolean mask, returned weights) feeding a stack of
pre-norm GELU nn.TransformerEncoderLayer copies with a final LayerNorm."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, d_model=16, heads=4, depth=2):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, heads)
        layer = nn.TransformerEncoderLayer(d_model, 2, dim_feedforward=24, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=depth, norm=nn.LayerNorm(d_model),
                                             enable_nested_tensor=False)
        self.post = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=32, dropout=0.0)

    def forward(self, x):
        t = x.size(0)
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
        y, weights = self.attn(x, x, x, attn_mask=mask)
        z = self.encoder(y.transpose(0, 1)).transpose(0, 1)
        return self.post(z) + weights.sum(dim=-1).transpose(0, 1).unsqueeze(-1)


def get_inputs():
    return [torch.randn(5, 2, 16)]


def get_init_inputs():
    return [16, 4, 2]
