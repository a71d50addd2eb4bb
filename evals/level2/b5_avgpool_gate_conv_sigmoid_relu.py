import torch
import torch.nn as nn

batch_size = 2
channels = 16
height = 14
width = 14


class Model(nn.Module):
    """Local context gate: 3x3 average (padding excluded from the count), 1x1 conv, sigmoid,
    gate the input, ReLU."""

    def __init__(self, channels):
        super().__init__()
        self.pool = nn.AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=False)
        self.proj = nn.Conv2d(channels, channels, kernel_size=1)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        gate = torch.sigmoid(self.proj(self.pool(x)))
        return self.act(x * gate)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return [channels]
