"""ConvTranspose2d with stride, padding and output_padding, then a Conv1d over a flattened axis."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(3, 5, kernel_size=3, stride=2, padding=1, output_padding=1)
        self.conv = nn.Conv1d(5, 2, kernel_size=5, padding="same")

    def forward(self, x):
        y = self.up(x)
        b, c, h, w = y.shape
        return self.conv(y.view(b, c, h * w))


def get_inputs():
    return [torch.randn(2, 3, 5, 4)]


def get_init_inputs():
    return []
