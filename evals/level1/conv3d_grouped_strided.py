import torch
import torch.nn as nn

batch_size = 2
in_channels = 4
out_channels = 8
frames = 5
height = 14
width = 14


class Model(nn.Module):
    """Grouped 3-D convolution that keeps time resolution and halves space."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv3d = nn.Conv3d(in_channels, out_channels, kernel_size=(2, 3, 3), stride=(1, 2, 2),
                                padding=(0, 1, 1), groups=2, bias=False)

    def forward(self, clip):
        return self.conv3d(clip)


def get_inputs():
    return [torch.randn(batch_size, in_channels, frames, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
