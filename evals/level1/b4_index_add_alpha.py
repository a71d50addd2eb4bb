import torch
import torch.nn as nn

num_rows = 10
num_updates = 16
feat = 8


class Model(nn.Module):
    """Accumulate update rows into a table at given row indices (repeats add up), scaled by alpha."""

    def __init__(self):
        super().__init__()

    def forward(self, table, index, updates):
        return table.index_add(0, index, updates, alpha=0.5)


def get_inputs():
    return [torch.randn(num_rows, feat), torch.randint(0, num_rows, (num_updates,)),
            torch.randn(num_updates, feat)]


def get_init_inputs():
    return []
