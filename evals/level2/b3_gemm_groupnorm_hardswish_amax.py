import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 16
in_features = 40
out_features = 64
num_groups = 8


class Model(nn.Module):
    """Linear, GroupNorm over feature groups, hardswish, centring, clamp, max over features."""

    def __init__(self, in_features, out_features, num_groups):
        super().__init__()
        self.fc = nn.Linear(in_features, out_features)
        self.gn = nn.GroupNorm(num_groups, out_features, eps=1e-5)

    def forward(self, x):
        h = F.hardswish(self.gn(self.fc(x)))
        h = h - h.mean(dim=1, keepdim=True)
        h = torch.clamp(h, min=-1.0, max=1.5)
        return torch.amax(h, dim=1)


def get_inputs():
    return [torch.randn(batch_size, in_features)]


def get_init_inputs():
    return [in_features, out_features, num_groups]
