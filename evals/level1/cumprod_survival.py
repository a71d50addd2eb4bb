import torch
import torch.nn as nn

batch_size = 6
horizon = 30


class Model(nn.Module):
    """Survival curve from per-step hazards: running product of (1 - hazard) over time."""

    def __init__(self):
        super().__init__()

    def forward(self, hazard):
        return torch.cumprod(1.0 - hazard, dim=-1)


def get_inputs():
    return [torch.rand(batch_size, horizon) * 0.2]


def get_init_inputs():
    return []
