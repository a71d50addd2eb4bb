import torch
import torch.nn as nn

batch_size = 4
channels = 16
height = 6
width = 6


class Model(nn.Module):
    """Channel-wise (spatial) dropout, p=0.3; an identity at inference."""

    def __init__(self, p):
        super().__init__()
        self.drop = nn.Dropout2d(p=p)

    def forward(self, x):
        return self.drop(x)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return [0.3]
