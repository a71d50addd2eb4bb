"""Distances and metric-learning losses: cosine similarity with a near-zero embedding (PyTorch clamps
each norm separately), pairwise distance with eps added to the difference and keepdim, p != 2
norms, batched cdist, torch.dist, pdist, a swapped triplet margin loss and cosine embedding loss."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.embed = nn.Linear(dim, dim)
        self.cos = nn.CosineSimilarity(dim=-1, eps=1e-4)
        self.dist = nn.PairwiseDistance(p=1.0, eps=1e-3, keepdim=True)
        self.triplet = nn.TripletMarginLoss(margin=0.5, p=3.0, swap=True)

    def forward(self, anchor, positive, negative, target):
        a, p, n = self.embed(anchor), self.embed(positive), self.embed(negative)
        tiny = a * 1e-6
        out = [
            self.cos(a, p),
            self.cos(tiny, n),
            F.cosine_similarity(a[:, None, :], n[None, :, :], dim=2).flatten(),
            self.dist(a, p).flatten(),
            F.pairwise_distance(a, n, p=float("inf")),
            torch.cdist(a[None], n[None], p=1.0).flatten(),
            torch.cdist(a, p).flatten(),
            F.pdist(a, p=2.0),
            torch.dist(a, n, p=3).reshape(1),
            self.triplet(a, p, n).reshape(1),
            F.triplet_margin_loss(a, p, n, margin=2.0, reduction="none"),
            F.cosine_embedding_loss(a, n, target, margin=0.1).reshape(1),
            F.normalize(a, p=2.0, dim=0).flatten(),
        ]
        return torch.cat(out)


def get_inputs():
    target = torch.where(torch.rand(6) > 0.5, 1.0, -1.0)
    return [torch.randn(6, 8), torch.randn(6, 8), torch.randn(6, 8), target]


def get_init_inputs():
    return [8]
