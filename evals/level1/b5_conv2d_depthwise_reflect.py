import torch
import torch.nn as nn

batch_size = 4
channels = 12
height = 15
width = 15


class Model(nn.Module):
    """Depthwise 3x3 convolution whose border is filled by reflection (padding_mode='reflect')."""

    def __init__(self, channels):
        super().__init__()
        self.dw = nn.Conv2d(channels, channels, 3, padding=1, groups=channels, padding_mode="reflect")

    def forward(self, x):
        return self.dw(x)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return [channels]
