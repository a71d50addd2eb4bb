import torch
import torch.nn as nn

batch_size = 32
channels = 16
length = 50


class Model(nn.Module):
    """Hard-swish activation as used in MobileNetV3."""

    def __init__(self):
        super().__init__()
        self.act = nn.Hardswish()

    def forward(self, x):
        return self.act(x)


def get_inputs():
    return [torch.randn(batch_size, channels, length) * 4.0]


def get_init_inputs():
    return []
