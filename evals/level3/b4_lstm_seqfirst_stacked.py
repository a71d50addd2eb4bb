import torch
import torch.nn as nn

seq_len = 14
batch_size = 3
input_size = 10
hidden_size = 16
num_layers = 2
num_classes = 4


class Model(nn.Module):
    """Two-layer sequence-first LSTM with inter-layer dropout; the classifier sees the top layer's
    final hidden state concatenated with the time-averaged outputs."""

    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super().__init__()
        self.rnn = nn.LSTM(input_size, hidden_size, num_layers=num_layers, dropout=0.25)
        self.fc = nn.Linear(2 * hidden_size, num_classes)

    def forward(self, x):
        # x: (seq_len, batch, input_size)
        output, (h_n, c_n) = self.rnn(x)
        summary = torch.cat([h_n[-1], output.mean(dim=0)], dim=-1)
        return self.fc(torch.tanh(summary))


def get_inputs():
    return [torch.randn(seq_len, batch_size, input_size)]


def get_init_inputs():
    return [input_size, hidden_size, num_layers, num_classes]
