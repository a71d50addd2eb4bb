import torch
import torch.nn as nn

batch_size = 3
channels = 4
height = 8
width = 10


class Model(nn.Module):
    """Reflection padding with a different amount on every side (left, right, top, bottom)."""

    def __init__(self):
        super().__init__()
        self.pad = nn.ReflectionPad2d((1, 3, 2, 0))

    def forward(self, x):
        return self.pad(x)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return []
