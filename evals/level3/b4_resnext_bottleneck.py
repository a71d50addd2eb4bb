import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
in_planes = 16
planes = 8
cardinality = 4
base_width = 4
stride = 2
image_size = 12


class Bottleneck(nn.Module):
    expansion = 2

    def __init__(self, in_planes, planes, cardinality, base_width, stride):
        super().__init__()
        width = cardinality * base_width
        self.conv1 = nn.Conv2d(in_planes, width, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, groups=cardinality,
                               bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * self.expansion, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes * self.expansion:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, planes * self.expansion, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * self.expansion),
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += self.shortcut(x)
        return F.relu(out)


class Model(nn.Module):
    """ResNeXt bottleneck (1x1 -> grouped 3x3 with stride -> 1x1, projection shortcut), then a
    global-average-pooled feature vector."""

    def __init__(self, in_planes, planes, cardinality, base_width, stride):
        super().__init__()
        self.block = Bottleneck(in_planes, planes, cardinality, base_width, stride)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))

    def forward(self, x):
        x = self.block(x)
        return torch.flatten(self.pool(x), 1)


def get_inputs():
    return [torch.randn(batch_size, in_planes, image_size, image_size)]


def get_init_inputs():
    return [in_planes, planes, cardinality, base_width, stride]
