import torch
import torch.nn as nn

batch_size = 4
in_channels = 6
out_channels = 12
height = 20
width = 28


class Model(nn.Module):
    """Bias-free Conv2d with a 3x5 kernel, per-axis stride and padding, and dilation 2."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=(3, 5), stride=(1, 2), padding=(2, 4),
                              dilation=2, bias=False)

    def forward(self, x):
        return self.conv(x)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
