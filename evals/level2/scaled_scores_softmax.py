import math

import torch
import torch.nn as nn

batch_size = 4
heads = 4
seq_len = 16
head_dim = 32


class Model(nn.Module):
    """Attention probabilities: q @ k^T, scaled by 1/sqrt(d), softmax over keys."""

    def __init__(self, head_dim):
        super().__init__()
        self.scale = 1.0 / math.sqrt(head_dim)

    def forward(self, q, k):
        scores = torch.matmul(q, k.transpose(-2, -1)) * self.scale
        return torch.softmax(scores, dim=-1)


def get_inputs():
    return [torch.randn(batch_size, heads, seq_len, head_dim), torch.randn(batch_size, heads, seq_len, head_dim)]


def get_init_inputs():
    return [head_dim]
