import torch
import torch.nn as nn

batch_size = 2
in_channels = 8
out_channels = 12
height = 20
width = 18
groups = 4


class Model(nn.Module):
    """A dilated 3x3 grouped convolution without bias that keeps the spatial size."""

    def __init__(self, in_channels, out_channels, groups):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=2, dilation=2,
                              groups=groups, bias=False)

    def forward(self, x):
        return self.conv(x)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels, groups]
