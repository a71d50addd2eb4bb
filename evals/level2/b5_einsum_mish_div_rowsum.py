import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 32
in_features = 40
out_features = 24
divisor = 3


class Model(nn.Module):
    """Hand-rolled gemm with raw parameters via einsum, Mish, division by a constant, row sum."""

    def __init__(self, in_features, out_features, divisor):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features) / in_features ** 0.5)
        self.bias = nn.Parameter(torch.zeros(out_features))
        self.divisor = divisor

    def forward(self, x):
        y = torch.einsum("bi,oi->bo", x, self.weight) + self.bias
        y = F.mish(y)
        y = torch.div(y, self.divisor)
        return y.sum(dim=1)


def get_inputs():
    return [torch.randn(batch_size, in_features)]


def get_init_inputs():
    return [in_features, out_features, divisor]
