import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
in_channels = 4
out_channels = 12
height = 24
width = 24


class Model(nn.Module):
    """Valid conv, 2x2 max pool, then clip to [-1, 1]."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=5)

    def forward(self, x):
        h = F.max_pool2d(self.conv(x), 2)
        return F.hardtanh(h, min_val=-1.0, max_val=1.0)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
