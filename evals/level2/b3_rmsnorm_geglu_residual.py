import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
seq_len = 10
dim = 48
hidden = 128


class Model(nn.Module):
    """Pre-norm GEGLU feed-forward: RMSNorm, gelu(gate) * up, down projection, dropout, residual add."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.norm = nn.RMSNorm(dim, eps=1e-6)
        self.gate = nn.Linear(dim, hidden, bias=False)
        self.up = nn.Linear(dim, hidden, bias=False)
        self.down = nn.Linear(hidden, dim, bias=False)
        self.drop = nn.Dropout(p=0.1)

    def forward(self, x):
        h = self.norm(x)
        h = F.gelu(self.gate(h)) * self.up(h)
        return x + self.drop(self.down(h))


def get_inputs():
    return [torch.randn(batch_size, seq_len, dim)]


def get_init_inputs():
    return [dim, hidden]
