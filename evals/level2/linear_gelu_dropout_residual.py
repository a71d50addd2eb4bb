import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 16
dim = 96
hidden = 192


class Model(nn.Module):
    """Feed-forward sublayer: expand, GELU, dropout, project back, add the input."""

    def __init__(self, dim, hidden, p):
        super().__init__()
        self.up = nn.Linear(dim, hidden)
        self.down = nn.Linear(hidden, dim)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        h = self.drop(F.gelu(self.up(x)))
        return x + self.down(h)


def get_inputs():
    return [torch.randn(batch_size, dim)]


def get_init_inputs():
    return [dim, hidden, 0.1]
