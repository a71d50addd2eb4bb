import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
in_channels = 16
height = 12
width = 12


class BasicConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        x = self.conv(x)
        x = self.bn(x)
        return F.relu(x, inplace=True)


class Model(nn.Module):
    """GoogLeNet/Inception-style module: 1x1, 1x1->3x3, 1x1->3x3->3x3 and avg-pool->1x1 branches
    concatenated on channels, then a 3x3 stride-2 max pool."""

    def __init__(self, in_channels):
        super().__init__()
        self.branch1x1 = BasicConv2d(in_channels, 16, kernel_size=1)
        self.branch3x3_1 = BasicConv2d(in_channels, 12, kernel_size=1)
        self.branch3x3_2 = BasicConv2d(12, 16, kernel_size=3, padding=1)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 8, kernel_size=1)
        self.branch3x3dbl_2 = BasicConv2d(8, 12, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(12, 12, kernel_size=3, padding=1)
        self.branch_pool = BasicConv2d(in_channels, 8, kernel_size=1)

    def forward(self, x):
        branch1x1 = self.branch1x1(x)
        branch3x3 = self.branch3x3_2(self.branch3x3_1(x))
        branch3x3dbl = self.branch3x3dbl_1(x)
        branch3x3dbl = self.branch3x3dbl_2(branch3x3dbl)
        branch3x3dbl = self.branch3x3dbl_3(branch3x3dbl)
        branch_pool = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
        branch_pool = self.branch_pool(branch_pool)
        outputs = [branch1x1, branch3x3, branch3x3dbl, branch_pool]
        out = torch.cat(outputs, 1)
        return F.max_pool2d(out, kernel_size=3, stride=2, ceil_mode=True)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels]
