import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
in_channels = 4
out_channels = 8
depth = 8
height = 12
width = 12


class Model(nn.Module):
    """Volumetric chain: Conv3d strided in-plane only, affine InstanceNorm3d, LeakyReLU(0.2), 2x2x2 average pool."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv3d(in_channels, out_channels, kernel_size=(3, 3, 3), stride=(1, 2, 2), padding=1)
        self.norm = nn.InstanceNorm3d(out_channels, affine=True)

    def forward(self, x):
        x = self.norm(self.conv(x))
        x = F.leaky_relu(x, negative_slope=0.2)
        return F.avg_pool3d(x, kernel_size=2)


def get_inputs():
    return [torch.randn(batch_size, in_channels, depth, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
