import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
in_channels = 16
out_channels = 32
groups = 4
height = 16
width = 16


class Model(nn.Module):
    """Grouped 3x3 conv, channel shuffle by view/transpose, ELU with a small alpha, 2x2 average pool."""

    def __init__(self, in_channels, out_channels, groups):
        super().__init__()
        self.groups = groups
        self.conv = nn.Conv2d(in_channels, out_channels, 3, padding=1, groups=groups)

    def forward(self, x):
        x = self.conv(x)
        n, c, h, w = x.size()
        x = x.view(n, self.groups, c // self.groups, h, w).transpose(1, 2).contiguous().view(n, c, h, w)
        x = F.elu(x, alpha=0.5)
        return F.avg_pool2d(x, 2)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels, groups]
