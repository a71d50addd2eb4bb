import torch
import torch.nn as nn

batch_size = 4
steps = 24
features = 6


class Model(nn.Module):
    """Running maximum along time with the position where it was reached (Tensor.cummax)."""

    def __init__(self):
        super().__init__()

    def forward(self, x):
        values, indices = x.cummax(dim=1)
        return values, indices


def get_inputs():
    return [torch.randn(batch_size, steps, features)]


def get_init_inputs():
    return []
