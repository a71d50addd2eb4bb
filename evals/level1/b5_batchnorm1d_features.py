import torch
import torch.nn as nn

batch_size = 32
num_features = 48


class Model(nn.Module):
    """BatchNorm1d over a (batch, features) matrix with a larger eps and a slow momentum."""

    def __init__(self, num_features):
        super().__init__()
        self.norm = nn.BatchNorm1d(num_features, eps=1e-3, momentum=0.01)

    def forward(self, x):
        return self.norm(x)


def get_inputs():
    return [torch.randn(batch_size, num_features) * 3.0 + 1.0]


def get_init_inputs():
    return [num_features]
