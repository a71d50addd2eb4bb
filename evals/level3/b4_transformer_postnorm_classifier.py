import math

import torch
import torch.nn as nn

batch_size = 3
seq_len = 12
max_len = 16
vocab_size = 50
d_model = 32
nhead = 4
dim_feedforward = 64
num_classes = 3


class Model(nn.Module):
    """Text classifier: scaled token embedding + learned positions, one post-norm encoder block
    (nn.MultiheadAttention with a key padding mask, ReLU feed-forward), masked mean pooling."""

    def __init__(self, vocab_size, max_len, d_model, nhead, dim_feedforward, num_classes):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos_embed = nn.Parameter(torch.randn(1, max_len, d_model) * 0.02)
        self.self_attn = nn.MultiheadAttention(d_model, nhead, dropout=0.1, batch_first=True)
        self.norm1 = nn.LayerNorm(d_model)
        self.ffn = nn.Sequential(
            nn.Linear(d_model, dim_feedforward),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(dim_feedforward, d_model),
        )
        self.norm2 = nn.LayerNorm(d_model)
        self.classifier = nn.Linear(d_model, num_classes)

    def forward(self, tokens):
        pad_mask = tokens.eq(0)
        x = self.embed(tokens) * math.sqrt(self.d_model) + self.pos_embed[:, : tokens.size(1)]
        attn_out, _ = self.self_attn(x, x, x, key_padding_mask=pad_mask, need_weights=False)
        x = self.norm1(x + attn_out)
        x = self.norm2(x + self.ffn(x))
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (x * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)
        return self.classifier(pooled)


def get_inputs():
    tokens = torch.randint(1, vocab_size, (batch_size, seq_len))
    tokens[0, seq_len - 4:] = 0
    tokens[2, seq_len - 7:] = 0
    return [tokens]


def get_init_inputs():
    return [vocab_size, max_len, d_model, nhead, dim_feedforward, num_classes]
