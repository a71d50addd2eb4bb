import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
seq_len = 12
input_size = 10
hidden_size = 16
attn_dim = 12
num_layers = 2
num_classes = 3


class Model(nn.Module):
    """Two-layer time-major GRU encoder with additive (Bahdanau-style) attention pooling over
    its outputs and a linear classifier."""

    def __init__(self, input_size, hidden_size, attn_dim, num_layers, num_classes):
        super().__init__()
        self.rnn = nn.GRU(input_size, hidden_size, num_layers=num_layers, dropout=0.2)
        self.attn_proj = nn.Linear(hidden_size, attn_dim)
        self.attn_v = nn.Linear(attn_dim, 1, bias=False)
        self.out = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        # x: (batch, seq, feature) -> time-major for the GRU
        outputs, h_n = self.rnn(x.permute(1, 0, 2))
        outputs = outputs.permute(1, 0, 2)  # (batch, seq, hidden)
        scores = self.attn_v(torch.tanh(self.attn_proj(outputs))).squeeze(-1)
        weights = F.softmax(scores, dim=1)
        context = torch.bmm(weights.unsqueeze(1), outputs).squeeze(1)
        return self.out(context + h_n[-1])


def get_inputs():
    return [torch.randn(batch_size, seq_len, input_size)]


def get_init_inputs():
    return [input_size, hidden_size, attn_dim, num_layers, num_classes]
