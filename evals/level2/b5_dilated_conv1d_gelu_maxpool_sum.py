import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
in_channels = 10
out_channels = 20
seq_len = 33


class Model(nn.Module):
    """Dilated Conv1d, tanh-approximated GELU, padded strided max pool, channel sum."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size=3, dilation=2, padding=2)

    def forward(self, x):
        y = F.gelu(self.conv(x), approximate="tanh")
        y = F.max_pool1d(y, kernel_size=3, stride=2, padding=1)
        return y.sum(dim=1, keepdim=True)


def get_inputs():
    return [torch.randn(batch_size, in_channels, seq_len)]


def get_init_inputs():
    return [in_channels, out_channels]
