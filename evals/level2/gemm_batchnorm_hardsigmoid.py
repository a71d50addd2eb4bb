import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 16
in_features = 40
out_features = 24


class Model(nn.Module):
    """Gating head: linear projection, BatchNorm1d over features, hard sigmoid."""

    def __init__(self, in_features, out_features):
        super().__init__()
        self.proj = nn.Linear(in_features, out_features, bias=False)
        self.bn = nn.BatchNorm1d(out_features, eps=1e-4, momentum=0.2)

    def forward(self, x):
        return F.hardsigmoid(self.bn(self.proj(x)))


def get_inputs():
    return [torch.randn(batch_size, in_features)]


def get_init_inputs():
    return [in_features, out_features]
