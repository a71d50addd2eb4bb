"""Elementwise math, clamp and where on one tensor (single-operator family)."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def forward(self, x):
        y = torch.exp(-x.abs()) + torch.log1p(x * x)
        y = y.clamp(min=0.2, max=1.5)
        return torch.where(x > 0, y, torch.sigmoid(x)) - x.tanh().pow(2)


def get_inputs():
    return [torch.randn(4, 6)]


def get_init_inputs():
    return []
