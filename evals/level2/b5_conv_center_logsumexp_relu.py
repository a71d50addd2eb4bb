import torch
import torch.nn as nn

batch_size = 2
in_channels = 4
out_channels = 16
height = 18
width = 18


class Model(nn.Module):
    """Conv without padding, subtract the per-channel spatial mean, logsumexp over channels, ReLU."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=5, stride=1)

    def forward(self, x):
        x = self.conv(x)
        x = x - x.mean(dim=(2, 3), keepdim=True)
        x = torch.logsumexp(x, dim=1, keepdim=True)
        return torch.relu(x)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, out_channels]
