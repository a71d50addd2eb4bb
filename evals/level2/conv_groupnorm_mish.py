import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
in_channels = 8
out_channels = 16
groups = 4
height = 16
width = 16


class Model(nn.Module):
    """Conv -> GroupNorm -> Mish."""

    def __init__(self, in_channels, out_channels, groups):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)
        self.norm = nn.GroupNorm(groups, out_channels)

    def forward(self, x):
        return F.mish(self.norm(self.conv(x)))


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels, groups]
