import torch
import torch.nn as nn

batch_size = 16
features = 300


class Model(nn.Module):
    """ELU with a non-default alpha."""

    def __init__(self, alpha):
        super().__init__()
        self.act = nn.ELU(alpha=alpha)

    def forward(self, x):
        return self.act(x)


def get_inputs():
    return [torch.randn(batch_size, features) * 2.0]


def get_init_inputs():
    return [0.4]
