import torch
import torch.nn as nn

batch_size = 8
channels = 6
length = 30


class Model(nn.Module):
    """Clamp with per-channel tensor bounds broadcast over batch and length."""

    def __init__(self):
        super().__init__()

    def forward(self, x, low, high):
        return torch.clamp(x, min=low, max=high)


def get_inputs():
    low = -torch.rand(channels, 1) - 0.1
    high = torch.rand(channels, 1) + 0.1
    return [torch.randn(batch_size, channels, length), low, high]


def get_init_inputs():
    return []
