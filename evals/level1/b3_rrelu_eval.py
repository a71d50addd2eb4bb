import torch
import torch.nn as nn

batch_size = 16
features = 64


class Model(nn.Module):
    """Randomized leaky ReLU; at inference the negative slope is the midpoint (lower + upper) / 2."""

    def __init__(self, lower, upper):
        super().__init__()
        self.act = nn.RReLU(lower=lower, upper=upper)

    def forward(self, x):
        return self.act(x)


def get_inputs():
    return [torch.randn(batch_size, features)]


def get_init_inputs():
    return [0.05, 0.25]
