import math

import torch
import torch.nn as nn

batch_size = 2
seq_len = 12
vocab_size = 40
d_model = 32
nhead = 4
dim_feedforward = 64
num_layers = 2
max_len = 32


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len, dropout=0.1):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        x = x + self.pe[:, : x.size(1)]
        return self.dropout(x)


class Model(nn.Module):
    """Small causal language model: scaled token embedding, sinusoidal positions, a stack of
    built-in post-norm nn.TransformerEncoderLayer (GELU) under a square subsequent mask, tied-size
    output projection."""

    def __init__(self, vocab_size, d_model, nhead, dim_feedforward, num_layers, max_len):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(vocab_size, d_model)
        self.pos_encoder = PositionalEncoding(d_model, max_len)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout=0.1, activation="gelu",
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.decoder = nn.Linear(d_model, vocab_size)

    def forward(self, src):
        mask = nn.Transformer.generate_square_subsequent_mask(src.size(1))
        x = self.embed(src) * math.sqrt(self.d_model)
        x = self.pos_encoder(x)
        x = self.encoder(x, mask=mask)
        return self.decoder(x)


def get_inputs():
    return [torch.randint(0, vocab_size, (batch_size, seq_len))]


def get_init_inputs():
    return [vocab_size, d_model, nhead, dim_feedforward, num_layers, max_len]
