import torch
import torch.nn as nn

batch_size = 6
bag_size = 5
num_embeddings = 50
embedding_dim = 12


class Model(nn.Module):
    """Weighted sum of embeddings per fixed-size bag (EmbeddingBag, mode='sum', per_sample_weights)."""

    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.bag = nn.EmbeddingBag(num_embeddings, embedding_dim, mode="sum")

    def forward(self, ids, weights):
        return self.bag(ids, per_sample_weights=weights)


def get_inputs():
    return [torch.randint(0, num_embeddings, (batch_size, bag_size)), torch.rand(batch_size, bag_size)]


def get_init_inputs():
    return [num_embeddings, embedding_dim]
