import torch
import torch.nn as nn

batch_size = 2
num_features = 6
depth = 4
height = 5
width = 5


class Model(nn.Module):
    """BatchNorm3d over volumetric features with eps=1e-4 and momentum=0.3."""

    def __init__(self, num_features):
        super().__init__()
        self.norm = nn.BatchNorm3d(num_features, eps=1e-4, momentum=0.3)

    def forward(self, x):
        return self.norm(x)


def get_inputs():
    return [torch.randn(batch_size, num_features, depth, height, width) * 1.5 - 0.3]


def get_init_inputs():
    return [num_features]
