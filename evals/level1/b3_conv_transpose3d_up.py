import torch
import torch.nn as nn

batch_size = 2
in_channels = 4
out_channels = 6
depth = 5
height = 6
width = 6


class Model(nn.Module):
    """3-D transposed convolution that exactly doubles every spatial size (output_padding=1)."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.up = nn.ConvTranspose3d(in_channels, out_channels, kernel_size=3, stride=2, padding=1,
                                     output_padding=1)

    def forward(self, volume):
        return self.up(volume)


def get_inputs():
    return [torch.randn(batch_size, in_channels, depth, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
