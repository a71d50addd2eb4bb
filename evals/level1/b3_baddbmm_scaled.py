import torch
import torch.nn as nn

batch_size = 6
rows = 10
inner = 16
cols = 12


class Model(nn.Module):
    """Batched matmul added to a scaled bias in one call: beta * bias + alpha * (a @ b)."""

    def __init__(self):
        super().__init__()

    def forward(self, bias, a, b):
        return torch.baddbmm(bias, a, b, beta=0.5, alpha=0.25)


def get_inputs():
    return [torch.randn(batch_size, rows, cols), torch.randn(batch_size, rows, inner),
            torch.randn(batch_size, inner, cols)]


def get_init_inputs():
    return []
