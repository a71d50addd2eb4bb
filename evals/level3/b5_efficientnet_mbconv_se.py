import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
in_channels = 16
expand_ratio = 4
se_ratio = 0.25
height = 14
width = 14


class SqueezeExcitation(nn.Module):
    def __init__(self, channels, squeeze_channels):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, channels, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        s = F.silu(self.fc1(s))
        s = torch.sigmoid(self.fc2(s))
        return x * s


class Model(nn.Module):
    """EfficientNet MBConv block: 1x1 expansion, 5x5 depthwise conv, squeeze-excitation, linear
    1x1 projection, BatchNorms with eps 1e-3, SiLU, identity residual."""

    def __init__(self, in_channels, expand_ratio, se_ratio):
        super().__init__()
        hidden = in_channels * expand_ratio
        squeeze = max(1, int(in_channels * se_ratio))
        self.expand = nn.Sequential(
            nn.Conv2d(in_channels, hidden, 1, bias=False),
            nn.BatchNorm2d(hidden, eps=1e-3, momentum=0.01),
            nn.SiLU(),
        )
        self.depthwise = nn.Sequential(
            nn.Conv2d(hidden, hidden, 5, padding=2, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden, eps=1e-3, momentum=0.01),
            nn.SiLU(),
        )
        self.se = SqueezeExcitation(hidden, squeeze)
        self.project = nn.Sequential(
            nn.Conv2d(hidden, in_channels, 1, bias=False),
            nn.BatchNorm2d(in_channels, eps=1e-3, momentum=0.01),
        )

    def forward(self, x):
        out = self.expand(x)
        out = self.depthwise(out)
        out = self.se(out)
        out = self.project(out)
        return out + x


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, expand_ratio, se_ratio]
