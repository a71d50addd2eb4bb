import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
channels = 3
height = 10
width = 13


class Model(nn.Module):
    """Asymmetric edge-replicating padding with F.pad: 1 left, 3 right, 2 top, 0 bottom."""

    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.pad(x, (1, 3, 2, 0), mode="replicate")


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return []
