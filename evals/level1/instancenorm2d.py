import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
channels = 6
height = 20
width = 20


class Model(nn.Module):
    """Functional instance normalisation (no affine, no running statistics) with a larger eps."""

    def __init__(self):
        super().__init__()

    def forward(self, x):
        return F.instance_norm(x, eps=1e-3)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width) * 0.1 + 1.0]


def get_init_inputs():
    return []
