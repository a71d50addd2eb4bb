import torch
import torch.nn as nn

batch_size = 2
channels = 4
height = 8
width = 8
shift_h = 3
shift_w = -2


class Model(nn.Module):
    """Cyclic shift of feature maps along height and width (as in shifted-window attention)."""

    def __init__(self, shift_h, shift_w):
        super().__init__()
        self.shifts = (shift_h, shift_w)

    def forward(self, x):
        return x.roll(shifts=self.shifts, dims=(2, 3))


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return [shift_h, shift_w]
