"""nn.EmbeddingBag (1-d input with offsets and an empty bag, per_sample_weights with mode sum; 2-d input,
mode max, padding_idx), F.embedding_bag, F.embedding, ModuleDict, ParameterList and ParameterDict."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, n=12, d=4):
        super().__init__()
        self.bag_sum = nn.EmbeddingBag(n, d, mode="sum")
        self.bag_max = nn.EmbeddingBag(n, d, mode="max", padding_idx=0)
        self.bag_mean = nn.EmbeddingBag(n, d, padding_idx=3, include_last_offset=True)
        self.table = nn.Parameter(torch.randn(n, d))
        self.heads = nn.ModuleDict({"zeta": nn.Linear(d, 2), "alpha": nn.Linear(d, 2)})
        self.scales = nn.ParameterList([nn.Parameter(torch.rand(d) + 0.5) for _ in range(2)])
        self.shifts = nn.ParameterDict({"a": nn.Parameter(torch.randn(d)), "b": nn.Parameter(torch.randn(d))})

    def forward(self, ids, rows, offsets, weights):
        s = self.bag_sum(ids, offsets, per_sample_weights=weights)          # (4, d)
        m = self.bag_max(rows)                                              # (4, d)
        ends = torch.cat([offsets, torch.tensor([ids.shape[0]])])
        avg = self.bag_mean(ids, ends)
        f = F.embedding_bag(ids, self.table, offsets, mode="mean", padding_idx=1)
        e = F.embedding(rows, self.table, padding_idx=0).mean(dim=1)
        h = s * self.scales[0] + m * self.scales[1] + avg + f + e + self.shifts["a"] - self.shifts["b"]
        out = 0
        for name, head in self.heads.items():
            out = out + head(h) * (2.0 if name == "zeta" else 1.0)
        return out


def get_inputs():
    ids = torch.tensor([1, 2, 3, 5, 3, 7, 11, 0, 1, 4])
    rows = torch.tensor([[0, 2, 2], [5, 0, 0], [9, 10, 11], [0, 0, 0]])
    offsets = torch.tensor([0, 4, 4, 7])
    return [ids, rows, offsets, torch.rand(10)]


def get_init_inputs():
    return [12, 4]
