import torch
import torch.nn as nn

batch_size = 8
num_features = 24
height = 10
width = 10


class Model(nn.Module):
    """BatchNorm over channels with a non-default eps and momentum."""

    def __init__(self, num_features):
        super().__init__()
        self.bn = nn.BatchNorm2d(num_features, eps=1e-3, momentum=0.05)

    def forward(self, x):
        return self.bn(x)


def get_inputs():
    return [torch.randn(batch_size, num_features, height, width) * 2.0 + 0.5]


def get_init_inputs():
    return [num_features]
