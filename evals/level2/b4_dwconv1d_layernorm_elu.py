import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
channels = 24
seq_len = 40
kernel_size = 5


class Model(nn.Module):
    """Dilated depthwise Conv1d -> LayerNorm over channels (via permute) -> ELU(alpha=0.5) -> residual."""

    def __init__(self, channels, kernel_size):
        super().__init__()
        self.dw = nn.Conv1d(channels, channels, kernel_size, padding=2 * (kernel_size // 2), dilation=2,
                            groups=channels)
        self.ln = nn.LayerNorm(channels)

    def forward(self, x):
        y = self.dw(x)
        y = self.ln(y.permute(0, 2, 1)).permute(0, 2, 1)
        y = F.elu(y, alpha=0.5)
        return x + y


def get_inputs():
    return [torch.randn(batch_size, channels, seq_len)]


def get_init_inputs():
    return [channels, kernel_size]
