"""Everyday idioms: tensors allocated with device=x.device, in-place methods used as values, an
optional submodule first set to None, a conv wrapper forwarding **kwargs, and PyTorch's causal mask
helper."""
import torch
import torch.nn as nn


class ConvUnit(nn.Module):
    def __init__(self, c_in, c_out, **kwargs):
        super().__init__()
        self.conv = nn.Conv1d(c_in, c_out, bias=False, **kwargs)
        self.norm = nn.BatchNorm1d(c_out, eps=1e-3)

    def forward(self, x):
        return torch.relu(self.norm(self.conv(x)))


class Model(nn.Module):
    def __init__(self, c=6, bins=5, project=True):
        super().__init__()
        self.bins = bins
        self.unit = ConvUnit(c, 8, kernel_size=3, padding=1)
        self.proj = None
        if project:
            self.proj = nn.Linear(8, 8)
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x, idx):
        h = self.unit(x).transpose(1, 2)                    # (B, T, 8)
        if self.proj is not None:
            h = self.proj(h)
        mask = nn.Transformer.generate_square_subsequent_mask(h.size(1), device=h.device)
        h, _ = self.attn(h, h, h, attn_mask=mask)
        ones = torch.ones_like(idx, dtype=h.dtype)
        counts = torch.zeros(h.size(0), self.bins, device=x.device).scatter_add_(1, idx, ones)
        pooled = h.mean(dim=1)
        pooled.mul_(2.0)
        return torch.cat([pooled.clamp(min=-3.0), counts], dim=-1)


def get_inputs():
    return [torch.randn(2, 6, 7), torch.randint(0, 5, (2, 7))]


def get_init_inputs():
    return []
