"""Strided, dilated and grouped Conv2d on NCHW, BatchNorm2d, max pool with ceil_mode, avg pool
with padding and count_include_pad=False: NCHW in, NCHW out."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, c_in=4):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, 8, kernel_size=3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=2)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.avg = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv2(self.conv1(x))))
        return self.avg(self.pool(x))


def get_inputs():
    return [torch.randn(2, 4, 13, 11)]


def get_init_inputs():
    return [4]
