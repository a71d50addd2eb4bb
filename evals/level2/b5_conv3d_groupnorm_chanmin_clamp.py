import torch
import torch.nn as nn

batch_size = 2
in_channels = 3
out_channels = 12
num_groups = 3
depth = 6
height = 10
width = 10
clamp_lo = -0.3
clamp_hi = 0.8


class Model(nn.Module):
    """Conv3d, GroupNorm, minimum over channels, clamp into a band."""

    def __init__(self, in_channels, out_channels, num_groups):
        super().__init__()
        self.conv = nn.Conv3d(in_channels, out_channels, kernel_size=(3, 3, 3), padding=(1, 0, 0))
        self.gn = nn.GroupNorm(num_groups=num_groups, num_channels=out_channels, eps=1e-5)

    def forward(self, x):
        x = self.gn(self.conv(x))
        x = torch.min(x, dim=1, keepdim=True)[0]
        return torch.clamp(x, min=clamp_lo, max=clamp_hi)


def get_inputs():
    return [torch.randn(batch_size, in_channels, depth, height, width)]


def get_init_inputs():
    return [in_channels, out_channels, num_groups]
