import torch
import torch.nn as nn

batch_size = 6
items = 40
num_bins = 11


class Model(nn.Module):
    """Histogram-style accumulation with scatter_add_: each item adds its value to its bin."""

    def __init__(self, num_bins):
        super().__init__()
        self.num_bins = num_bins

    def forward(self, values, bins):
        out = torch.zeros(values.size(0), self.num_bins, dtype=values.dtype, device=values.device)
        return out.scatter_add_(1, bins, values)


def get_inputs():
    return [torch.randn(batch_size, items), torch.randint(0, num_bins, (batch_size, items))]


def get_init_inputs():
    return [num_bins]
