import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 64
dim = 512


class Model(nn.Module):
    """GELU with the tanh approximation."""

    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.gelu(x, approximate="tanh")


def get_inputs():
    return [torch.randn(batch_size, dim) * 2.0]


def get_init_inputs():
    return []
