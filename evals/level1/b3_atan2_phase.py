import torch
import torch.nn as nn

batch_size = 4
channels = 2
frames = 40
bins = 33


class Model(nn.Module):
    """Phase of a spectrogram stored as separate real and imaginary tensors (quadrant-aware atan2)."""

    def __init__(self):
        super().__init__()

    def forward(self, real, imag):
        return torch.atan2(imag, real)


def get_inputs():
    return [torch.randn(batch_size, channels, frames, bins), torch.randn(batch_size, channels, frames, bins)]


def get_init_inputs():
    return []
