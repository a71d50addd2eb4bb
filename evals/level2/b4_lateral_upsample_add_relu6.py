import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
top_channels = 16
lateral_channels = 8
top_size = 6


class Model(nn.Module):
    """FPN-style merge: 1x1 lateral conv on the fine map, nearest 2x upsampling of the coarse map,
    sum, ReLU6, then a 3x3 smoothing conv."""

    def __init__(self, top_channels, lateral_channels):
        super().__init__()
        self.lateral = nn.Conv2d(lateral_channels, top_channels, kernel_size=1)
        self.smooth = nn.Conv2d(top_channels, top_channels, kernel_size=3, padding=1)

    def forward(self, top, fine):
        up = F.interpolate(top, scale_factor=2, mode="nearest")
        merged = F.relu6(up + self.lateral(fine))
        return self.smooth(merged)


def get_inputs():
    return [torch.randn(batch_size, top_channels, top_size, top_size),
            torch.randn(batch_size, lateral_channels, 2 * top_size, 2 * top_size)]


def get_init_inputs():
    return [top_channels, lateral_channels]
