import torch
import torch.nn as nn

batch_size = 2
channels = 3
depth = 7
height = 9
width = 9


class Model(nn.Module):
    """3x3x3 max pooling with stride 2 and one voxel of padding on every side."""

    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool3d(kernel_size=3, stride=2, padding=1)

    def forward(self, x):
        return self.pool(x)


def get_inputs():
    return [torch.randn(batch_size, channels, depth, height, width)]


def get_init_inputs():
    return []
