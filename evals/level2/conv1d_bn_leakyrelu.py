import torch
import torch.nn as nn

batch_size = 8
in_channels = 6
out_channels = 24
length = 100


class Model(nn.Module):
    """Temporal conv block for sensor signals: Conv1d, BatchNorm1d, LeakyReLU."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size=7, stride=2, padding=3)
        self.bn = nn.BatchNorm1d(out_channels)
        self.act = nn.LeakyReLU(0.2)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


def get_inputs():
    return [torch.randn(batch_size, in_channels, length)]


def get_init_inputs():
    return [in_channels, out_channels]
