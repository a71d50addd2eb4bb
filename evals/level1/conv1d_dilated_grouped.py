import torch
import torch.nn as nn

batch_size = 8
channels_in = 8
channels_out = 16
length = 64
groups = 4
dilation = 2


class Model(nn.Module):
    """Grouped, dilated 1-D convolution that keeps the sequence length."""

    def __init__(self, channels_in, channels_out, groups, dilation):
        super().__init__()
        self.conv = nn.Conv1d(channels_in, channels_out, kernel_size=3, padding=dilation, dilation=dilation,
                              groups=groups)

    def forward(self, x):
        return self.conv(x)


def get_inputs():
    return [torch.randn(batch_size, channels_in, length)]


def get_init_inputs():
    return [channels_in, channels_out, groups, dilation]
