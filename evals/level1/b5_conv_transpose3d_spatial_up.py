import torch
import torch.nn as nn

batch_size = 2
in_channels = 8
out_channels = 4
frames = 5
height = 6
width = 7


class Model(nn.Module):
    """ConvTranspose3d that doubles height and width but keeps the number of frames."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.deconv3d = nn.ConvTranspose3d(in_channels, out_channels, kernel_size=(3, 4, 4), stride=(1, 2, 2),
                                           padding=(1, 1, 1))

    def forward(self, video):
        return self.deconv3d(video)


def get_inputs():
    return [torch.randn(batch_size, in_channels, frames, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
