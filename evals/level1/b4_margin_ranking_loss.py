import torch
import torch.nn as nn

num_pairs = 64


class Model(nn.Module):
    """Pairwise ranking loss with margin 0.2: target +1 means the first score should rank higher."""

    def __init__(self):
        super().__init__()
        self.loss_fn = nn.MarginRankingLoss(margin=0.2)

    def forward(self, score_a, score_b, target):
        return self.loss_fn(score_a, score_b, target)


def get_inputs():
    target = torch.randint(0, 2, (num_pairs,)).float() * 2 - 1
    return [torch.randn(num_pairs), torch.randn(num_pairs), target]


def get_init_inputs():
    return []
