"""MobileNet-style depthwise separable block with ReLU6 and a Hardswish head."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, c=6, expand=2):
        super().__init__()
        hidden = c * expand
        self.block = nn.Sequential(
            nn.Conv2d(c, hidden, 1, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(inplace=True),
            nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU6(inplace=True),
            nn.Conv2d(hidden, c, 1, bias=False),
            nn.BatchNorm2d(c),
        )
        self.act = nn.Hardswish()

    def forward(self, x):
        return self.act(x + self.block(x))


def get_inputs():
    return [torch.randn(2, 6, 8, 8)]


def get_init_inputs():
    return [6, 2]
