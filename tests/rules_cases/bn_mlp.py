"""Linear + BatchNorm1d with non-default eps and momentum, exact GELU, dropout (eval)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.bn = nn.BatchNorm1d(d_hidden, eps=1e-3, momentum=0.2)
        self.act = nn.GELU()
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(d_hidden, d_out, bias=False)

    def forward(self, x):
        h = self.drop(self.act(self.bn(self.fc1(x))))
        return F.gelu(self.fc2(h), approximate="tanh")


def get_inputs():
    return [torch.randn(6, 10)]


def get_init_inputs():
    return [10, 16, 4]
