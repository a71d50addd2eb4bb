import torch
import torch.nn as nn

batch_size = 64
in_features = 40
hidden = 80


class Model(nn.Module):
    """Linear, sigmoid gate, then sum each row to one score."""

    def __init__(self, in_features, hidden):
        super().__init__()
        self.fc = nn.Linear(in_features, hidden)

    def forward(self, x):
        return torch.sigmoid(self.fc(x)).sum(dim=1, keepdim=True)


def get_inputs():
    return [torch.randn(batch_size, in_features)]


def get_init_inputs():
    return [in_features, hidden]
