import torch
import torch.nn as nn

batch_size = 2
in_channels = 8
out_channels = 4
height = 12
width = 12


class Model(nn.Module):
    """Learned 2x upsampling with a 4x4 transposed convolution."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1)

    def forward(self, x):
        return self.deconv(x)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
