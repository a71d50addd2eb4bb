import torch
import torch.nn as nn

batch_size = 8
rows = 16
inner = 24
cols = 12


class Model(nn.Module):
    """Batched product plus a learned bias row, reduced by log-sum-exp over columns."""

    def __init__(self, cols):
        super().__init__()
        self.bias = nn.Parameter(torch.randn(cols) * 0.1)

    def forward(self, a, b):
        out = torch.bmm(a, b) + self.bias
        return torch.logsumexp(out, dim=2)


def get_inputs():
    return [torch.randn(batch_size, rows, inner), torch.randn(batch_size, inner, cols)]


def get_init_inputs():
    return [cols]
