"""torch.addmm / addmv / baddbmm / addbmm with beta and alpha, including beta=0 over a NaN input."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, d=6):
        super().__init__()
        self.w = nn.Parameter(torch.randn(d, d) * 0.3)
        self.b = nn.Parameter(torch.randn(d) * 0.1)

    def forward(self, x, seq):
        h = torch.addmm(self.b, x, self.w, beta=0.5, alpha=2.0)          # (B, D)
        h = h.addmm(h, self.w)                                            # method form, defaults
        v = torch.addmv(self.b, self.w, x[0], alpha=0.25)                 # (D,)
        junk = torch.full_like(h, float("nan"))
        clean = torch.addmm(junk, h, self.w, beta=0)                      # NaN input must be ignored
        bb = torch.baddbmm(seq, seq, seq.transpose(1, 2)[:, :, :6], beta=-1.0, alpha=0.5)
        s = torch.addbmm(self.w, seq.transpose(1, 2), seq, beta=2, alpha=0.1)
        return clean + v + s.sum() + bb.mean(dim=1)[:, :1]


def get_inputs():
    return [torch.randn(4, 6), torch.randn(4, 6, 6)]


def get_init_inputs():
    return [6]
