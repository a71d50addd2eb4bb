import torch
import torch.nn as nn

batch_size = 2
inplanes = 32
planes = 16
cardinality = 4
stride = 2
height = 16
width = 16


class Model(nn.Module):
    """ResNeXt-style bottleneck: 1x1 reduce, grouped strided 3x3, 1x1 expand (x4), with a
    conv1x1 + BatchNorm downsample on the shortcut and in-place residual add."""

    expansion = 4

    def __init__(self, inplanes, planes, cardinality, stride):
        super().__init__()
        width = planes * 2
        self.conv1 = nn.Conv2d(inplanes, width, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, groups=cardinality, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * self.expansion, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = nn.Sequential(
            nn.Conv2d(inplanes, planes * self.expansion, kernel_size=1, stride=stride, bias=False),
            nn.BatchNorm2d(planes * self.expansion),
        )

    def forward(self, x):
        identity = self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += identity
        return self.relu(out)


def get_inputs():
    return [torch.randn(batch_size, inplanes, height, width)]


def get_init_inputs():
    return [inplanes, planes, cardinality, stride]
