import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
channels = 16
length = 50
kernel = 5


class Model(nn.Module):
    """Gated conv layer: Conv1d to twice the channels, GLU over channels, scaled residual."""

    def __init__(self, channels, kernel):
        super().__init__()
        self.conv = nn.Conv1d(channels, 2 * channels, kernel, padding=kernel // 2)

    def forward(self, x):
        return (x + F.glu(self.conv(x), dim=1)) * 0.5 ** 0.5


def get_inputs():
    return [torch.randn(batch_size, channels, length)]


def get_init_inputs():
    return [channels, kernel]
