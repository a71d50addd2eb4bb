import torch
import torch.nn as nn

batch_size = 4
channels = 8
height = 16
width = 20
out_h = 5
out_w = 7


class Model(nn.Module):
    """Adaptive max pooling to a 5x7 grid that does not divide the input."""

    def __init__(self, out_h, out_w):
        super().__init__()
        self.pool = nn.AdaptiveMaxPool2d((out_h, out_w))

    def forward(self, x):
        return self.pool(x)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return [out_h, out_w]
