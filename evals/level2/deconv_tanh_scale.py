import torch
import torch.nn as nn

batch_size = 2
in_channels = 16
out_channels = 3
height = 8
width = 8


class Model(nn.Module):
    """Generator output head: transposed conv, tanh, then a fixed rescale to [0, 1]."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(in_channels, out_channels, kernel_size=3, stride=2, padding=1,
                                         output_padding=1)

    def forward(self, x):
        return (torch.tanh(self.deconv(x)) + 1.0) * 0.5


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
