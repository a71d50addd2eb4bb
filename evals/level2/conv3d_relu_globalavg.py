import torch
import torch.nn as nn

batch_size = 2
in_channels = 3
out_channels = 8
depth = 6
height = 12
width = 12


class Model(nn.Module):
    """Video clip features: 3-D conv, ReLU, global average over time and space."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv3d(in_channels, out_channels, kernel_size=(3, 3, 3), padding=1)

    def forward(self, x):
        return torch.relu(self.conv(x)).mean(dim=(2, 3, 4))


def get_inputs():
    return [torch.randn(batch_size, in_channels, depth, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
