import torch
import torch.nn as nn

batch_size = 4
num_candidates = 9
feat = 7


class Model(nn.Module):
    """Softmin over candidates (dim 1) of a (batch, candidates, feat) cost tensor."""

    def __init__(self):
        super().__init__()
        self.softmin = nn.Softmin(dim=1)

    def forward(self, cost):
        return self.softmin(cost)


def get_inputs():
    return [torch.randn(batch_size, num_candidates, feat)]


def get_init_inputs():
    return []
