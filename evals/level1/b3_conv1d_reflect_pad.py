import torch
import torch.nn as nn

batch_size = 4
in_channels = 5
out_channels = 12
length = 50
kernel_size = 7


class Model(nn.Module):
    """1-D convolution over a signal with reflection padding (padding_mode='reflect') keeping the length."""

    def __init__(self, in_channels, out_channels, kernel_size):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size, padding=kernel_size // 2,
                              padding_mode="reflect")

    def forward(self, signal):
        return self.conv(signal)


def get_inputs():
    return [torch.randn(batch_size, in_channels, length)]


def get_init_inputs():
    return [in_channels, out_channels, kernel_size]
