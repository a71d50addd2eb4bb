"""A small MLP classifier with dropout and exact GELU: a first file to translate."""
import torch
import torch.nn as nn
import torch.nn.functional as F

HIDDEN = 64


class MLP(nn.Module):
    def __init__(self, d_in, n_classes, p_drop=0.1):
        super().__init__()
        self.fc1 = nn.Linear(d_in, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN)
        self.drop = nn.Dropout(p_drop)
        self.fc2 = nn.Linear(HIDDEN, n_classes)

    def forward(self, x):
        h = F.gelu(self.norm(self.fc1(x)))
        h = self.drop(h)
        return F.log_softmax(self.fc2(h), dim=-1)


def get_inputs():
    return [torch.randn(8, 20)]


def get_init_inputs():
    return [20, 5]
