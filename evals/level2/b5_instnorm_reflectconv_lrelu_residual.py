import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
channels = 8
height = 12
width = 12


class Model(nn.Module):
    """Style-transfer style residual: affine InstanceNorm, reflect-padded conv, leaky ReLU, skip add."""

    def __init__(self, channels):
        super().__init__()
        self.norm = nn.InstanceNorm2d(channels, affine=True)
        self.conv = nn.Conv2d(channels, channels, kernel_size=3, padding=1, padding_mode="reflect")

    def forward(self, x):
        out = self.conv(self.norm(x))
        out = F.leaky_relu(out, negative_slope=0.2)
        return out + x


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return [channels]
