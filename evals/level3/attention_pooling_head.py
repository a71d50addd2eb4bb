import torch
import torch.nn as nn

batch_size = 4
seq_len = 16
embed_dim = 64
num_heads = 4
num_classes = 6


class Model(nn.Module):
    """Attention pooling: a learned query token attends over the sequence, then norm and a classifier."""

    def __init__(self, embed_dim, num_heads, num_classes):
        super().__init__()
        self.query = nn.Parameter(torch.randn(1, 1, embed_dim) * 0.02)
        self.attn = nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)
        self.norm = nn.LayerNorm(embed_dim)
        self.classifier = nn.Linear(embed_dim, num_classes)

    def forward(self, tokens):
        q = self.query.expand(tokens.shape[0], -1, -1)
        pooled, _ = self.attn(q, tokens, tokens, need_weights=False)
        return self.classifier(self.norm(pooled[:, 0]))


def get_inputs():
    return [torch.randn(batch_size, seq_len, embed_dim)]


def get_init_inputs():
    return [embed_dim, num_heads, num_classes]
