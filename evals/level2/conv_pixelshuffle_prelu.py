import torch
import torch.nn as nn

batch_size = 2
channels = 8
upscale = 2
height = 6
width = 6


class Model(nn.Module):
    """Sub-pixel upsampler: 3x3 conv to C*r*r channels, pixel shuffle, single-slope PReLU."""

    def __init__(self, channels, upscale):
        super().__init__()
        self.expand = nn.Conv2d(channels, channels * upscale * upscale, kernel_size=3, padding=1)
        self.shuffle = nn.PixelShuffle(upscale)
        self.act = nn.PReLU(init=0.2)

    def forward(self, x):
        return self.act(self.shuffle(self.expand(x)))


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return [channels, upscale]
