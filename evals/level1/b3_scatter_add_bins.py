import torch
import torch.nn as nn

batch_size = 8
num_items = 40
num_bins = 16


class Model(nn.Module):
    """Accumulate per-item values into their bins row by row with Tensor.scatter_add_."""

    def __init__(self, num_bins):
        super().__init__()
        self.num_bins = num_bins

    def forward(self, values, bins):
        totals = torch.zeros(values.size(0), self.num_bins, dtype=values.dtype)
        totals.scatter_add_(1, bins, values)
        return totals


def get_inputs():
    return [torch.randn(batch_size, num_items), torch.randint(0, num_bins, (batch_size, num_items))]


def get_init_inputs():
    return [num_bins]
