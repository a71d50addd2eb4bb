import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
in_planes = 16
planes = 32
height = 16
width = 16
stride = 2


class Model(nn.Module):
    """ResNet basic block with a projection shortcut when the shape changes."""

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False),
                nn.BatchNorm2d(planes),
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


def get_inputs():
    return [torch.randn(batch_size, in_planes, height, width)]


def get_init_inputs():
    return [in_planes, planes, stride]
