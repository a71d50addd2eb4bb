import torch
import torch.nn as nn

batch_size = 32
embed_dim = 24


class Model(nn.Module):
    """Triplet margin loss (Euclidean, margin 0.5) on anchor / positive / negative embeddings."""

    def __init__(self):
        super().__init__()
        self.loss = nn.TripletMarginLoss(margin=0.5, p=2.0)

    def forward(self, anchor, positive, negative):
        return self.loss(anchor, positive, negative)


def get_inputs():
    return [torch.randn(batch_size, embed_dim), torch.randn(batch_size, embed_dim),
            torch.randn(batch_size, embed_dim)]


def get_init_inputs():
    return []
