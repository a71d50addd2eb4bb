import torch
import torch.nn as nn

batch_size = 16
embed_dim = 32


class Model(nn.Module):
    """Triplet margin loss on embeddings with margin 0.5 and the distance swap enabled."""

    def __init__(self, margin):
        super().__init__()
        self.loss_fn = nn.TripletMarginLoss(margin=margin, p=2.0, swap=True)

    def forward(self, anchor, positive, negative):
        return self.loss_fn(anchor, positive, negative)


def get_inputs():
    anchor = torch.randn(batch_size, embed_dim)
    positive = anchor + 0.5 * torch.randn(batch_size, embed_dim)
    negative = positive + 0.6 * torch.randn(batch_size, embed_dim)  # hard negatives near the positives
    return [anchor, positive, negative]


def get_init_inputs():
    return [0.5]
