import torch
import torch.nn as nn

batch_size = 2
in_channels = 3
out_channels = 6
depth = 6
height = 10
width = 10


class Model(nn.Module):
    """Conv3d -> softmax over channels -> MaxPool3d -> subtract the per-sample spatial mean."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv3d(in_channels, out_channels, kernel_size=(3, 3, 3), padding=(1, 0, 0))
        self.pool = nn.MaxPool3d(kernel_size=2, stride=2)

    def forward(self, x):
        x = self.conv(x)
        x = torch.softmax(x, dim=1)
        x = self.pool(x)
        return x - x.mean(dim=(2, 3, 4), keepdim=True)


def get_inputs():
    return [torch.randn(batch_size, in_channels, depth, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
