"""In-place ops and index assignment must keep their order once rewritten functionally."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def forward(self, x, y):
        x = x.clone()
        x[:, 0] = 0.0
        x.mul_(2.0)
        x[:, 1:3] += y[:, :2]
        x.clamp_(min=-1.0)
        out = torch.zeros_like(x)
        out[0] = x[0] * 3
        return out + x


def get_inputs():
    return [torch.randn(3, 5), torch.randn(3, 5)]


def get_init_inputs():
    return []
