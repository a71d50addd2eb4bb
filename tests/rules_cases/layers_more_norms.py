"""LocalResponseNorm, RMSNorm (multi-axis, eps=None, no affine) and F.rms_norm, LPPool1d/2d (ceil_mode),
Bilinear / F.bilinear, and the dropout variants that are the identity in eval."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, c=6):
        super().__init__()
        self.lrn = nn.LocalResponseNorm(3, alpha=0.05, beta=0.6, k=1.5)
        self.rms = nn.RMSNorm([4, 5])
        self.rms_plain = nn.RMSNorm(5, eps=1e-3, elementwise_affine=False)
        self.lp2 = nn.LPPool2d(2, (3, 2), stride=2, ceil_mode=True)
        self.lp1 = nn.LPPool1d(3, 2)
        self.bil = nn.Bilinear(c, 5, 3)
        self.w = nn.Parameter(torch.randn(2, c, 5) * 0.3)
        self.g = nn.Parameter(torch.rand(5) + 0.5)
        self.drop3 = nn.Dropout3d(0.3)
        self.adrop = nn.AlphaDropout(0.2)
        self.fdrop = nn.FeatureAlphaDropout(0.1)

    def forward(self, x):                                         # (B, c, 4, 5)
        a = self.rms(self.lrn(x)) + F.local_response_norm(x, 2, 1e-3)
        b = self.rms_plain(a) + F.rms_norm(a, (5,), self.g)
        p = self.lp2(b)                                           # (B, c, 2, 3)
        q = self.lp1(b.mean(dim=2)) + F.lp_pool1d(b.abs().mean(dim=3), 1.5, 2, stride=1)[:, :, :2]
        h1, h2 = x.mean(dim=(2, 3)), b.mean(dim=(1, 2))
        y = self.bil(h1, h2) + F.bilinear(h1, h2, self.w).sum(dim=1, keepdim=True)
        z = self.drop3(x.unsqueeze(2)).squeeze(2) + self.adrop(x) + self.fdrop(x)
        return y.sum(dim=1) + p.mean(dim=(1, 2, 3)) + q.sum(dim=(1, 2)) + z.mean(dim=(1, 2, 3))


def get_inputs():
    return [torch.randn(2, 6, 4, 5)]


def get_init_inputs():
    return [6]
