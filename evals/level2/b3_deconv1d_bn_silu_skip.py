import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
in_channels = 24
skip_channels = 8
out_channels = 16
length = 20


class Model(nn.Module):
    """1-d decoder step: ConvTranspose1d doubles the length, BatchNorm1d, SiLU, plus a 1x1-projected skip."""

    def __init__(self, in_channels, skip_channels, out_channels):
        super().__init__()
        self.up = nn.ConvTranspose1d(in_channels, out_channels, kernel_size=4, stride=2, padding=1)
        self.bn = nn.BatchNorm1d(out_channels)
        self.skip_proj = nn.Conv1d(skip_channels, out_channels, kernel_size=1)

    def forward(self, x, skip):
        y = F.silu(self.bn(self.up(x)))
        return y + self.skip_proj(skip)


def get_inputs():
    return [torch.randn(batch_size, in_channels, length), torch.randn(batch_size, skip_channels, 2 * length)]


def get_init_inputs():
    return [in_channels, skip_channels, out_channels]
