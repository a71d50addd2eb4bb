import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 3
in_channels = 4
out_channels = 10
height = 20
width = 20


class Model(nn.Module):
    """Bias-free strided conv -> affine InstanceNorm2d -> LeakyReLU(0.2) -> 2x2 average pooling."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=4, stride=2, padding=1, bias=False)
        self.norm = nn.InstanceNorm2d(out_channels, affine=True)

    def forward(self, x):
        x = self.conv(x)
        x = self.norm(x)
        x = F.leaky_relu(x, negative_slope=0.2)
        return F.avg_pool2d(x, kernel_size=2)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
