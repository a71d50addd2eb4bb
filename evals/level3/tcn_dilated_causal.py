import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 3
in_channels = 4
hidden = 16
length = 48
kernel = 3


class TemporalBlock(nn.Module):
    """Two causal dilated convs (left padding only) with ReLU and a residual connection."""

    def __init__(self, c_in, c_out, kernel, dilation):
        super().__init__()
        self.left_pad = (kernel - 1) * dilation
        self.conv1 = nn.Conv1d(c_in, c_out, kernel, dilation=dilation)
        self.conv2 = nn.Conv1d(c_out, c_out, kernel, dilation=dilation)
        self.skip = nn.Conv1d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x):
        h = F.relu(self.conv1(F.pad(x, (self.left_pad, 0))))
        h = F.relu(self.conv2(F.pad(h, (self.left_pad, 0))))
        return F.relu(h + self.skip(x))


class Model(nn.Module):
    """Temporal convolutional network: stacked causal blocks with dilation 1, 2, 4, then a 1x1 read-out."""

    def __init__(self, in_channels, hidden, kernel):
        super().__init__()
        self.blocks = nn.ModuleList([
            TemporalBlock(in_channels if i == 0 else hidden, hidden, kernel, 2 ** i) for i in range(3)
        ])
        self.out = nn.Conv1d(hidden, 1, 1)

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return self.out(x)


def get_inputs():
    return [torch.randn(batch_size, in_channels, length)]


def get_init_inputs():
    return [in_channels, hidden, kernel]
