import torch
import torch.nn as nn

dim_a = 6
dim_b = 5
dim_c = 4
dim_d = 7


class Model(nn.Module):
    """Contract the last two axes of a (A, B, C) tensor with the first two of a (B, C, D) tensor."""

    def __init__(self):
        super().__init__()

    def forward(self, a, b):
        return torch.tensordot(a, b, dims=([1, 2], [0, 1]))


def get_inputs():
    return [torch.randn(dim_a, dim_b, dim_c), torch.randn(dim_b, dim_c, dim_d)]


def get_init_inputs():
    return []
