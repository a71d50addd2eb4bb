import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
in_channels = 6
out_channels = 24
height = 20
width = 20


class Model(nn.Module):
    """Strided bias-free conv, BatchNorm with detection-style eps/momentum, hardswish, global max pool."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(out_channels, eps=1e-3, momentum=0.03)

    def forward(self, x):
        x = F.hardswish(self.bn(self.conv(x)))
        x = F.adaptive_max_pool2d(x, output_size=1)
        return torch.flatten(x, start_dim=1)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
