import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
in_channels = 12
out_channels = 8
height = 7
width = 9


class Model(nn.Module):
    """Strided transposed conv (with output_padding) -> BatchNorm2d -> tanh-approximate GELU,
    then a learned per-channel offset."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.up = nn.ConvTranspose2d(in_channels, out_channels, kernel_size=3, stride=2,
                                     padding=1, output_padding=1, bias=False)
        self.bn = nn.BatchNorm2d(out_channels, eps=1e-3, momentum=0.05)
        self.offset = nn.Parameter(torch.randn(out_channels, 1, 1) * 0.1)

    def forward(self, x):
        y = self.bn(self.up(x))
        y = F.gelu(y, approximate="tanh")
        return y + self.offset


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
