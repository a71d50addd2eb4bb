import torch
import torch.nn as nn

batch_size = 8
seq_len = 12
vocab_size = 100
embed_dim = 32


class Model(nn.Module):
    """Token embedding lookup with a padding index."""

    def __init__(self, vocab_size, embed_dim):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)

    def forward(self, tokens):
        return self.embed(tokens)


def get_inputs():
    return [torch.randint(0, vocab_size, (batch_size, seq_len))]


def get_init_inputs():
    return [vocab_size, embed_dim]
