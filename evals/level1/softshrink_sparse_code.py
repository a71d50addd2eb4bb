import torch
import torch.nn as nn

batch_size = 8
code_dim = 96


class Model(nn.Module):
    """Soft-thresholding (the ISTA sparse-coding step): shrink every value toward zero by lambda."""

    def __init__(self):
        super().__init__()
        self.shrink = nn.Softshrink(lambd=0.3)

    def forward(self, code):
        return self.shrink(code)


def get_inputs():
    return [torch.randn(batch_size, code_dim) * 0.5]


def get_init_inputs():
    return []
