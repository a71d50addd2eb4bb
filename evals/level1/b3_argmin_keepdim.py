import torch
import torch.nn as nn

batch_size = 8
num_prototypes = 10
length = 12


class Model(nn.Module):
    """Index of the nearest prototype per position: argmin over dim 1, keeping the reduced dimension."""

    def __init__(self):
        super().__init__()

    def forward(self, distances):
        return torch.argmin(distances, dim=1, keepdim=True)


def get_inputs():
    return [torch.rand(batch_size, num_prototypes, length)]


def get_init_inputs():
    return []
