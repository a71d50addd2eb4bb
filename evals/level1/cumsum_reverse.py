import torch
import torch.nn as nn

batch_size = 8
steps = 40


class Model(nn.Module):
    """Discounted-return style reverse cumulative sum along time."""

    def __init__(self):
        super().__init__()

    def forward(self, rewards):
        return torch.flip(torch.cumsum(torch.flip(rewards, dims=[1]), dim=1), dims=[1])


def get_inputs():
    return [torch.rand(batch_size, steps)]


def get_init_inputs():
    return []
