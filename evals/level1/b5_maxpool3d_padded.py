import torch
import torch.nn as nn

batch_size = 2
channels = 4
depth = 9
height = 12
width = 10


class Model(nn.Module):
    """3-D max pooling, 3x3x3 window, stride 2, padding 1."""

    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool3d(kernel_size=3, stride=2, padding=1)

    def forward(self, x):
        return self.pool(x)


def get_inputs():
    return [torch.randn(batch_size, channels, depth, height, width)]


def get_init_inputs():
    return []
