import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
seq_len = 12
dim = 32
attn_dim = 16


class Model(nn.Module):
    """Single-head attention with separate q/k/v projections, bmm scores, key padding mask, softmax, bmm."""

    def __init__(self, dim, attn_dim):
        super().__init__()
        self.q_proj = nn.Linear(dim, attn_dim, bias=False)
        self.k_proj = nn.Linear(dim, attn_dim, bias=False)
        self.v_proj = nn.Linear(dim, dim)
        self.scale = attn_dim ** -0.5

    def forward(self, x, valid):
        q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        scores = torch.bmm(q, k.transpose(1, 2)) * self.scale
        scores = scores.masked_fill(~valid.unsqueeze(1), -1e9)
        weights = F.softmax(scores, dim=-1)
        return torch.bmm(weights, v)


def get_inputs():
    lengths = torch.randint(1, seq_len + 1, (batch_size, 1))
    valid = torch.arange(seq_len).unsqueeze(0) < lengths
    return [torch.randn(batch_size, seq_len, dim), valid]


def get_init_inputs():
    return [dim, attn_dim]
