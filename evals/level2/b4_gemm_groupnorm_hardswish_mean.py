import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 16
in_features = 48
out_features = 64
num_groups = 8


class Model(nn.Module):
    """Linear -> GroupNorm over feature groups -> hardswish -> mean over features (kept as a column)."""

    def __init__(self, in_features, out_features, num_groups):
        super().__init__()
        self.gemm = nn.Linear(in_features, out_features)
        self.group_norm = nn.GroupNorm(num_groups, out_features, eps=1e-4)

    def forward(self, x):
        x = self.gemm(x)
        x = self.group_norm(x)
        x = F.hardswish(x)
        return torch.mean(x, dim=1, keepdim=True)


def get_inputs():
    return [torch.randn(batch_size, in_features)]


def get_init_inputs():
    return [in_features, out_features, num_groups]
