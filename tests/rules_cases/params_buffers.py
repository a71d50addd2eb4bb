"""nn.Parameter, register_buffer and a ModuleList of Linear layers."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, d=6, n=2):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(d))
        self.register_buffer("offset", torch.arange(d, dtype=torch.float32) / d)
        self.layers = nn.ModuleList([nn.Linear(d, d) for _ in range(n)])

    def forward(self, x):
        for layer in self.layers:
            x = torch.relu(layer(x)) * self.scale + self.offset
        return x


def get_inputs():
    return [torch.randn(4, 6)]


def get_init_inputs():
    return [6, 2]
