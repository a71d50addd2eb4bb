import torch
import torch.nn as nn

batch_size = 16
dim = 128


class Model(nn.Module):
    """torch.addcmul with a negative scale: x - 0.25 * t1 * t2."""

    def __init__(self):
        super().__init__()

    def forward(self, x, t1, t2):
        return torch.addcmul(x, t1, t2, value=-0.25)


def get_inputs():
    return [torch.randn(batch_size, dim), torch.randn(batch_size, dim), torch.randn(batch_size, dim)]


def get_init_inputs():
    return []
