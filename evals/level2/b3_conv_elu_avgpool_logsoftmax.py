import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
in_channels = 3
mid_channels = 8
height = 16
width = 16
num_classes = 10


class Model(nn.Module):
    """Tiny classifier head chain: strided conv, ELU(alpha=0.5), 2x2 average pool, flatten, linear, log-softmax."""

    def __init__(self, in_channels, mid_channels, height, width, num_classes):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, mid_channels, kernel_size=3, stride=2, padding=1)
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(mid_channels * (height // 4) * (width // 4), num_classes)

    def forward(self, x):
        x = self.pool(F.elu(self.conv(x), alpha=0.5))
        x = torch.flatten(x, 1)
        return F.log_softmax(self.fc(x), dim=1)


def get_inputs():
    return [torch.randn(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, mid_channels, height, width, num_classes]
