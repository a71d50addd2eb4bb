import torch
import torch.nn as nn

M = 131
K = 67
N = 93


class Model(nn.Module):
    """Plain matrix product of two matrices with awkward (prime-ish) sizes."""

    def __init__(self):
        super().__init__()

    def forward(self, a, b):
        return torch.mm(a, b)


def get_inputs():
    return [torch.randn(M, K), torch.randn(K, N)]


def get_init_inputs():
    return []
