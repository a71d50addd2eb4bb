import torch
import torch.nn as nn

batch_size = 2
channels = 6
height = 15
width = 13


class Model(nn.Module):
    """Power-average (L2) pooling over 3x3 windows with stride 2."""

    def __init__(self):
        super().__init__()
        self.pool = nn.LPPool2d(norm_type=2, kernel_size=3, stride=2)

    def forward(self, x):
        return self.pool(x)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return []
