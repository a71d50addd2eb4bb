import torch
import torch.nn as nn

num_embeddings = 200
embed_dim = 16
num_tokens = 60
num_bags = 8


class Model(nn.Module):
    """EmbeddingBag in sum mode over a flat token list split into bags by offsets."""

    def __init__(self, num_embeddings, embed_dim):
        super().__init__()
        self.bag = nn.EmbeddingBag(num_embeddings, embed_dim, mode="sum")

    def forward(self, tokens, offsets):
        return self.bag(tokens, offsets)


def get_inputs():
    tokens = torch.randint(0, num_embeddings, (num_tokens,))
    cuts = torch.randperm(num_tokens - 1)[: num_bags - 1] + 1
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), torch.sort(cuts).values])
    return [tokens, offsets]


def get_init_inputs():
    return [num_embeddings, embed_dim]
