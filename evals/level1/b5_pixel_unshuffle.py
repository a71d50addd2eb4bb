import torch
import torch.nn as nn

batch_size = 4
channels = 3
height = 16
width = 12
factor = 2


class Model(nn.Module):
    """Space-to-depth with nn.PixelUnshuffle: each 2x2 block becomes 4 channels."""

    def __init__(self, factor):
        super().__init__()
        self.unshuffle = nn.PixelUnshuffle(factor)

    def forward(self, x):
        return self.unshuffle(x)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return [factor]
