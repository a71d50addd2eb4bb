import torch
import torch.nn as nn

batch_size = 4
in_channels = 6
out_channels = 10
height = 16
width = 20


class Model(nn.Module):
    """2-D convolution with a wide 3x5 kernel, stride only along height and no bias."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2),
                              bias=False)

    def forward(self, x):
        return self.conv(x)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
