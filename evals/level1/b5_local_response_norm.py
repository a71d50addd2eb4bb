import torch
import torch.nn as nn

batch_size = 4
channels = 16
height = 9
width = 11


class Model(nn.Module):
    """Local response normalisation across 5 neighbouring channels."""

    def __init__(self):
        super().__init__()
        self.lrn = nn.LocalResponseNorm(size=5, alpha=1e-3, beta=0.75, k=2.0)

    def forward(self, x):
        return self.lrn(x)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width) * 4.0]


def get_init_inputs():
    return []
