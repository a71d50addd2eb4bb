import torch
import torch.nn as nn

batch_size = 6
max_len = 14
dim = 32
out_dim = 16


class Model(nn.Module):
    """Sentence vector: mean of the valid tokens (given lengths), linear, tanh."""

    def __init__(self, dim, out_dim):
        super().__init__()
        self.dense = nn.Linear(dim, out_dim)

    def forward(self, tokens, lengths):
        positions = torch.arange(tokens.size(1)).unsqueeze(0)
        mask = (positions < lengths.unsqueeze(1)).unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return torch.tanh(self.dense(pooled))


def get_inputs():
    return [torch.randn(batch_size, max_len, dim), torch.randint(1, max_len + 1, (batch_size,))]


def get_init_inputs():
    return [dim, out_dim]
