"""view/permute/flatten/chunk/split/cat/stack/unsqueeze/transpose and size(i)."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def forward(self, x):
        b = x.size(0)
        a, c = x.chunk(2, dim=1)
        parts = torch.split(x, [1, 3], dim=1)
        y = torch.cat([a.transpose(1, 2), c.permute(0, 2, 1)], dim=-1)
        z = torch.stack([parts[0].squeeze(1), parts[1].sum(1)], dim=0).unsqueeze(-1)
        return y.reshape(b, -1), torch.flatten(z, 1), x.view(b, 2, -1).shape[-1]


def get_inputs():
    return [torch.randn(2, 4, 5)]


def get_init_inputs():
    return []
