import torch
import torch.nn as nn

batch_size = 4
seq_len = 10
hidden = 48


class Model(nn.Module):
    """SiLU (swish) applied in place to a hidden-state tensor."""

    def __init__(self):
        super().__init__()
        self.act = nn.SiLU(inplace=True)

    def forward(self, h):
        return self.act(h)


def get_inputs():
    return [torch.randn(batch_size, seq_len, hidden) * 3.0]


def get_init_inputs():
    return []
