import torch
import torch.nn as nn

batch_size = 4
channels = 6
length = 31


class Model(nn.Module):
    """1-D average pooling whose edge windows divide by the real (unpadded) element count."""

    def __init__(self):
        super().__init__()
        self.pool = nn.AvgPool1d(kernel_size=4, stride=3, padding=2, count_include_pad=False)

    def forward(self, x):
        return self.pool(x)


def get_inputs():
    return [torch.randn(batch_size, channels, length) + 1.0]


def get_init_inputs():
    return []
