import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
channels = 8
length = 32
pad_left = 4
pad_right = 1


class Model(nn.Module):
    """Uneven edge (replicate) padding of a sequence with F.pad."""

    def __init__(self, pad_left, pad_right):
        super().__init__()
        self.pad_left = pad_left
        self.pad_right = pad_right

    def forward(self, x):
        return F.pad(x, (self.pad_left, self.pad_right), mode="replicate")


def get_inputs():
    return [torch.randn(batch_size, channels, length)]


def get_init_inputs():
    return [pad_left, pad_right]
