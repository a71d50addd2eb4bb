import torch
import torch.nn as nn

batch_size = 2
channels = 5
height = 7
width = 9


class Model(nn.Module):
    """nn.Upsample x2, bilinear with align_corners=True."""

    def __init__(self):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)

    def forward(self, x):
        return self.up(x)


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return []
