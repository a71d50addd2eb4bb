import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
seq_len = 24
vocab_size = 80
embed_dim = 32
num_filters = 16
num_classes = 3


class Model(nn.Module):
    """Sentence CNN: embedding with a padding row, parallel Conv1d filters of widths 3/4/5 over time,
    ReLU, max-over-time pooling, concatenation, dropout, linear classifier."""

    def __init__(self, vocab_size, embed_dim, num_filters, num_classes, kernel_sizes=(3, 4, 5)):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.convs = nn.ModuleList([nn.Conv1d(embed_dim, num_filters, k) for k in kernel_sizes])
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(num_filters * len(kernel_sizes), num_classes)

    def forward(self, tokens):
        x = self.embedding(tokens).permute(0, 2, 1)
        feats = [F.relu(conv(x)) for conv in self.convs]
        pooled = [F.max_pool1d(f, f.size(2)).squeeze(2) for f in feats]
        return self.fc(self.dropout(torch.cat(pooled, dim=1)))


def get_inputs():
    tokens = torch.randint(1, vocab_size, (batch_size, seq_len))
    tokens[0, seq_len // 2:] = 0
    return [tokens]


def get_init_inputs():
    return [vocab_size, embed_dim, num_filters, num_classes]
