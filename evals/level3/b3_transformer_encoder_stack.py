import math

import torch
import torch.nn as nn

batch_size = 3
seq_len = 12
vocab_size = 50
d_model = 32
n_heads = 4
d_ff = 64
num_layers = 2
num_classes = 4


class Model(nn.Module):
    """Token classifier on nn.TransformerEncoder: scaled embeddings plus a learned positional table,
    two post-norm GELU encoder layers (batch_first) with a final LayerNorm, mean pooling, linear head."""

    def __init__(self, vocab_size, d_model, n_heads, d_ff, num_layers, num_classes):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Parameter(torch.zeros(1, 64, d_model))
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=d_ff, dropout=0.1,
                                           activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=num_layers, norm=nn.LayerNorm(d_model),
                                             enable_nested_tensor=False)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, tokens):
        x = self.embed(tokens) * math.sqrt(self.d_model) + self.pos[:, : tokens.size(1)]
        x = self.encoder(x)
        return self.head(x.mean(dim=1))


def get_inputs():
    return [torch.randint(0, vocab_size, (batch_size, seq_len))]


def get_init_inputs():
    return [vocab_size, d_model, n_heads, d_ff, num_layers, num_classes]
