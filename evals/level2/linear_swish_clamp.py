import torch
import torch.nn as nn

batch_size = 32
in_features = 50
out_features = 70


class Model(nn.Module):
    """Linear, swish (beta = 1), clamp to a range, then scale."""

    def __init__(self, in_features, out_features, low, high):
        super().__init__()
        self.fc = nn.Linear(in_features, out_features)
        self.low = low
        self.high = high

    def forward(self, x):
        h = self.fc(x)
        h = h * torch.sigmoid(h)
        return torch.clamp(h, self.low, self.high) * 2.0


def get_inputs():
    return [torch.randn(batch_size, in_features) * 2.0]


def get_init_inputs():
    return [in_features, out_features, -0.25, 1.5]
