"""F.group_norm, F.instance_norm (input statistics) and F.batch_norm (inference) with explicit weights."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, c=6):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(c) + 0.5)
        self.bias = nn.Parameter(torch.randn(c) * 0.1)
        self.register_buffer("running_mean", torch.randn(c) * 0.2)
        self.register_buffer("running_var", torch.rand(c) + 0.5)

    def forward(self, x):
        g = F.group_norm(x, 3, self.weight, self.bias, 1e-4)
        g2 = F.group_norm(x, 2)
        i = F.instance_norm(x, weight=self.weight, bias=self.bias, eps=1e-3)
        b = F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.1, 1e-5)
        b1 = F.batch_norm(x.mean(dim=(2, 3)), self.running_mean, self.running_var, training=False)
        return g + g2 + i + b + b1[:, :, None, None]


def get_inputs():
    return [torch.randn(2, 6, 5, 4) * 2 + 1]


def get_init_inputs():
    return [6]
