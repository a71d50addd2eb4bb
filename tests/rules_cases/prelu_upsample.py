"""nn.PReLU (per-channel and shared), F.prelu, nn.Upsample and F.interpolate (nearest, linear modes)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, c=4):
        super().__init__()
        self.conv = nn.Conv2d(3, c, 3, padding=1)
        self.act = nn.PReLU(c, init=0.1)
        self.shared = nn.PReLU()
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.up_lin = nn.Upsample(size=(7, 9), mode="bilinear", align_corners=True)
        self.slope = nn.Parameter(torch.tensor([0.3]))

    def forward(self, x):
        h = self.shared(self.act(self.conv(x)))                 # (B, C, 5, 6)
        a = self.up(h)                                          # (B, C, 10, 12)
        b = F.interpolate(h, size=(10, 12), mode="bilinear", align_corners=False)
        c = F.interpolate(h, scale_factor=2, mode="bilinear")
        d = F.interpolate(h, size=(7, 4), mode="nearest")
        e = self.up_lin(h)
        line = F.interpolate(h.mean(dim=2), scale_factor=3, mode="linear", align_corners=False)
        line2 = F.interpolate(h.mean(dim=3), size=8, mode="linear", align_corners=True)
        return (F.prelu(a + b + c, self.slope).sum(dim=(2, 3)) + d.sum(dim=(2, 3)) + e.mean(dim=(2, 3))
                + line.sum(dim=2) + line2.sum(dim=2))


def get_inputs():
    return [torch.randn(2, 3, 5, 6)]


def get_init_inputs():
    return [4]
