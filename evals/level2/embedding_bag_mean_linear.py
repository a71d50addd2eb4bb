import torch
import torch.nn as nn

batch_size = 16
bag_size = 10
vocab_size = 500
embed_dim = 48
num_classes = 5


class Model(nn.Module):
    """Bag-of-words classifier: mean of token embeddings, then a linear layer."""

    def __init__(self, vocab_size, embed_dim, num_classes):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.fc = nn.Linear(embed_dim, num_classes)

    def forward(self, tokens):
        return self.fc(self.embed(tokens).mean(dim=1))


def get_inputs():
    return [torch.randint(0, vocab_size, (batch_size, bag_size))]


def get_init_inputs():
    return [vocab_size, embed_dim, num_classes]
