import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
in_channels = 3
out_channels = 16
factor = 2
height = 16
width = 16
pooled = 4


class Model(nn.Module):
    """Space-to-depth (pixel_unshuffle), 3x3 conv to twice the width, GLU over channels, adaptive average pool."""

    def __init__(self, in_channels, out_channels, factor, pooled):
        super().__init__()
        self.factor = factor
        self.pooled = pooled
        self.conv = nn.Conv2d(in_channels * factor ** 2, 2 * out_channels, kernel_size=3, padding=1)

    def forward(self, x):
        x = F.pixel_unshuffle(x, self.factor)
        x = F.glu(self.conv(x), dim=1)
        return F.adaptive_avg_pool2d(x, (self.pooled, self.pooled))


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels, factor, pooled]
