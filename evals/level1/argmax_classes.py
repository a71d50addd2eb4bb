import torch
import torch.nn as nn

batch_size = 16
num_classes = 20
positions = 7


class Model(nn.Module):
    """Index of the winning class at every position."""

    def __init__(self):
        super().__init__()

    def forward(self, logits):
        return torch.argmax(logits, dim=1)


def get_inputs():
    return [torch.randn(batch_size, num_classes, positions)]


def get_init_inputs():
    return []
