"""Elementwise and shape functions whose details differ: lerp with a tensor weight, addcmul/addcdiv
value=, logit with eps, xlogy, trunc division of negatives, frac, diag_embed/diagonal offsets,
rot90, diff with prepend, std_mean, narrow from the end, tensor_split, cross on dim 1, renorm."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def forward(self, x, y, w):
        a = torch.lerp(x, y, w) + torch.addcmul(x, y, w, value=-0.5) + x.addcdiv(y, w + 1.0, value=2.0)
        b = torch.logit(torch.sigmoid(x), eps=0.1) + torch.xlogy(w, w + 0.5)
        c = torch.divide(x * 4, 1.5, rounding_mode="trunc") + (x * 3).frac() + torch.hypot(x, y)
        d = torch.logaddexp(x, y) - torch.clamp_min(x, 0.2) + y.clamp_max(0.1) + torch.sinc(x)
        e = torch.diag_embed(x[:, :4], offset=1).diagonal(offset=1, dim1=-2, dim2=-1)
        f = torch.rot90(x.reshape(2, 3, 6), 1, [1, 2]).reshape(2, 18)[:, :6].repeat(3, 1)
        g = torch.diff(x, dim=1, prepend=y[:, :1])
        std, mean = torch.std_mean(x, dim=1, keepdim=True)
        h = (x - mean) / std
        n = x.narrow(1, -3, 2).sum(1, keepdim=True)
        parts = torch.tensor_split(x, 3, dim=1)
        p = parts[0].sum(1, keepdim=True) - parts[2].sum(1, keepdim=True)
        cr = torch.cross(x[:, :3], y[:, :3], dim=1).sum(1, keepdim=True)
        r = torch.renorm(x, 2, 0, 1.0)
        return a + b + c + d + g + h + n + p + cr + r + e.sum(1, keepdim=True) + f


def get_inputs():
    return [torch.randn(6, 6), torch.randn(6, 6), torch.rand(6, 6)]


def get_init_inputs():
    return []
