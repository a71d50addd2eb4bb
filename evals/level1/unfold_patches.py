import torch
import torch.nn as nn

batch_size = 2
channels = 3
height = 10
width = 12


class Model(nn.Module):
    """im2col: sliding 3x3 blocks with stride 2 and padding 1 as columns (N, C*9, L)."""

    def __init__(self):
        super().__init__()
        self.unfold = nn.Unfold(kernel_size=3, padding=1, stride=2)

    def forward(self, x):
        return self.unfold(x)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return []
