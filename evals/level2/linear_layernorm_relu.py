import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 32
in_features = 64
out_features = 128


class Model(nn.Module):
    """Projection, LayerNorm, ReLU: the body of many MLP heads."""

    def __init__(self, in_features, out_features):
        super().__init__()
        self.dense = nn.Linear(in_features, out_features)
        self.norm = nn.LayerNorm(out_features)

    def forward(self, features):
        return F.relu(self.norm(self.dense(features)))


def get_inputs():
    return [torch.randn(batch_size, in_features)]


def get_init_inputs():
    return [in_features, out_features]
