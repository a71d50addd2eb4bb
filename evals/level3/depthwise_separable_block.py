import torch
import torch.nn as nn

batch_size = 4
in_channels = 16
out_channels = 32
height = 20
width = 20


class Model(nn.Module):
    """MobileNet-style block: depthwise 3x3 + BN + ReLU6, pointwise 1x1 + BN + ReLU6."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.depthwise = nn.Conv2d(in_channels, in_channels, 3, stride=stride, padding=1, groups=in_channels,
                                   bias=False)
        self.bn_dw = nn.BatchNorm2d(in_channels)
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.bn_pw = nn.BatchNorm2d(out_channels)
        self.act = nn.ReLU6()

    def forward(self, x):
        x = self.act(self.bn_dw(self.depthwise(x)))
        return self.act(self.bn_pw(self.pointwise(x)))


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels, 2]
