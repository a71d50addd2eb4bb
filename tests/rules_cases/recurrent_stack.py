"""Recurrent layers with PyTorch's conventions: a stacked bidirectional sequence-first LSTM, a
batch-first GRU started from a given state, a ReLU RNN, and an LSTMCell stepped by hand."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, n_in=6, hidden=8):
        super().__init__()
        self.encoder = nn.LSTM(n_in, hidden, num_layers=2, bidirectional=True, dropout=0.2)
        self.refine = nn.GRU(2 * hidden, hidden, batch_first=True)
        self.plain = nn.RNN(hidden, hidden, nonlinearity="relu", batch_first=True)
        self.step = nn.LSTMCell(hidden, hidden)
        self.h0 = nn.Parameter(torch.zeros(1, 1, hidden))

    def forward(self, x):
        seq, (h_n, c_n) = self.encoder(x)          # (T, B, 2H), (4, B, H)
        seq = seq.transpose(0, 1)                  # batch first for the GRU
        start = self.h0.expand(1, seq.size(0), -1).contiguous() + h_n[-1:]
        refined, h_last = self.refine(seq, start)
        plain, _ = self.plain(refined)
        h, c = h_last[0], c_n[-1]
        for t in range(plain.size(1)):
            h, c = self.step(plain[:, t], (h, c))
        return torch.cat([h, refined.mean(dim=1)], dim=-1)


def get_inputs():
    return [torch.randn(7, 3, 6)]


def get_init_inputs():
    return [6, 8]
