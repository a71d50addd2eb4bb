import torch
import torch.nn as nn

batch_size = 4
channels = 32
reduction = 4
height = 12
width = 12


class Model(nn.Module):
    """Conv followed by squeeze-and-excitation channel gating."""

    def __init__(self, channels, reduction):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(channels, channels // reduction)
        self.fc2 = nn.Linear(channels // reduction, channels)

    def forward(self, x):
        y = torch.relu(self.conv(x))
        s = self.pool(y).flatten(1)
        s = torch.sigmoid(self.fc2(torch.relu(self.fc1(s))))
        return y * s[:, :, None, None]


def get_inputs():
    return [torch.randn(batch_size, channels, height, width)]


def get_init_inputs():
    return [channels, reduction]
