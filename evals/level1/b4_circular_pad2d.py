import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
channels = 4
height = 8
width = 10


class Model(nn.Module):
    """Periodic (wrap-around) padding: 2 columns left, 3 right, 1 row top, 2 bottom."""

    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.pad(x, (2, 3, 1, 2), mode="circular")


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return []
