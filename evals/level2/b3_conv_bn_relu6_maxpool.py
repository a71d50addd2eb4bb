import torch
import torch.nn as nn

batch_size = 2
in_channels = 6
out_channels = 12
height = 20
width = 20


class Model(nn.Module):
    """Stem-like chain: 5x5 conv without bias, BatchNorm with a large eps, ReLU6, overlapping max pool."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=5, padding=2, bias=False)
        self.bn = nn.BatchNorm2d(out_channels, eps=1e-3, momentum=0.01)
        self.act = nn.ReLU6(inplace=True)
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)

    def forward(self, x):
        return self.pool(self.act(self.bn(self.conv(x))))


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
