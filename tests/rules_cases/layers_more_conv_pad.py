"""Convolutions with padding_mode reflect/replicate/circular, functional conv and conv_transpose with
PyTorch-layout weights (groups, dilation, 'same'), and the padding modules (int and per-side tuples)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, c=4):
        super().__init__()
        self.reflect = nn.Conv2d(3, c, 3, padding=(1, 2), padding_mode="reflect", dilation=(1, 2))
        self.circ = nn.Conv1d(3, c, 4, padding="same", padding_mode="circular", bias=False)
        self.rep3 = nn.Conv3d(3, 2, 3, stride=2, padding=1, padding_mode="replicate")
        self.weight = nn.Parameter(torch.randn(6, c // 2, 3, 3) * 0.2)
        self.bias = nn.Parameter(torch.randn(6) * 0.1)
        self.up_w = nn.Parameter(torch.randn(6, 2, 3, 3) * 0.2)
        self.w1 = nn.Parameter(torch.randn(5, 3, 3) * 0.3)
        self.pad_r = nn.ReflectionPad2d((1, 2, 0, 1))
        self.pad_e = nn.ReplicationPad1d(2)
        self.pad_z = nn.ZeroPad2d((2, 0, 1, 1))
        self.pad_c = nn.ConstantPad3d(1, -0.5)
        self.pad_w = nn.CircularPad2d((1, 1, 2, 0))

    def forward(self, x):
        a = self.reflect(self.pad_r(x))                                  # (B, c, 6, 8)
        b = F.conv2d(a, self.weight, self.bias, stride=(1, 2), padding=1, groups=2)
        c = F.conv_transpose2d(b, self.up_w, None, stride=2, padding=1, output_padding=(1, 0), groups=3)
        line = self.pad_e(x.mean(dim=2))                                 # (B, 3, 9)
        d = self.circ(line) + F.conv1d(line, self.w1, padding="same", dilation=2)[:, :4]
        vol = self.pad_c(x.unsqueeze(2).repeat(1, 1, 3, 1, 1))
        e = self.rep3(vol)
        f = self.pad_w(self.pad_z(x))
        return (c.mean(dim=(2, 3)).sum(dim=1, keepdim=True) + d.sum(dim=2).mean(dim=1, keepdim=True)
                + e.sum(dim=(1, 2, 3, 4)).unsqueeze(1) + f.mean(dim=(1, 2, 3)).unsqueeze(1))


def get_inputs():
    return [torch.randn(2, 3, 5, 5)]


def get_init_inputs():
    return [4]
