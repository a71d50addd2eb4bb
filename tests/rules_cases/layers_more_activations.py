"""Shrink activations, Threshold, CELU, Softmin, Softmax2d, GLU, RReLU (eval), and Hardtanh / Softplus with
non-default arguments, as modules and functional calls; inputs straddle every threshold."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.soft = nn.Softshrink(0.3)
        self.hard = nn.Hardshrink(lambd=0.4)
        self.tanhs = nn.Tanhshrink()
        self.thr = nn.Threshold(0.1, -2.0)
        self.celu = nn.CELU(alpha=0.7)
        self.smin = nn.Softmin(dim=1)
        self.s2d = nn.Softmax2d()
        self.glu = nn.GLU(dim=1)
        self.rrelu = nn.RReLU(0.05, 0.25)
        self.htanh = nn.Hardtanh(-0.5, 2.0)
        self.splus = nn.Softplus(beta=2.0, threshold=1.0)
        self.body = nn.Sequential(nn.Linear(6, 6), nn.Softshrink(0.2), nn.Tanhshrink())

    def forward(self, x):                                        # (B, 6, 4, 4)
        a = self.soft(x) + self.hard(x) + self.tanhs(x) + self.thr(x)
        b = self.celu(x) + F.celu(x, alpha=1.5) + F.softshrink(x, 0.1) + F.hardshrink(x) + F.tanhshrink(x)
        c = self.smin(a) + F.softmin(b, dim=-1) + self.s2d(x)
        d = self.glu(c) + F.glu(b, dim=1)                        # (B, 3, 4, 4)
        e = self.rrelu(x) + F.rrelu(x, 0.1, 0.2) + F.threshold(x, 0.0, 0.5)
        f = self.htanh(e) + F.hardtanh(e, min_val=-0.2, max_val=0.3) + self.splus(e) + F.softplus(e, 0.5, 2.0)
        g = self.body(x.mean(dim=(2, 3))) + torch.celu(x, 0.3).amax(dim=(2, 3)) - torch.selu(x).mean(dim=(2, 3))
        return d.sum(dim=(1, 2, 3)) + f.mean(dim=(1, 2, 3)) + g.sum(dim=1)


def get_inputs():
    return [torch.randn(3, 6, 4, 4) * 2]


def get_init_inputs():
    return []
