import torch
import torch.nn as nn

seq_len = 14
batch_size = 6
input_size = 10
hidden_size = 24
num_outputs = 3


class Model(nn.Module):
    """Time-major two-layer LSTM regressor with inter-layer dropout; the head sees the time-averaged
    top-layer outputs concatenated with the top layer's final hidden state."""

    def __init__(self, input_size, hidden_size, num_outputs):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, dropout=0.25)
        self.head = nn.Sequential(
            nn.Linear(2 * hidden_size, hidden_size),
            nn.Tanh(),
            nn.Linear(hidden_size, num_outputs),
        )

    def forward(self, x):
        out, (h_n, c_n) = self.lstm(x)
        summary = torch.cat([out.mean(dim=0), h_n[-1]], dim=-1)
        return self.head(summary)


def get_inputs():
    return [torch.randn(seq_len, batch_size, input_size)]


def get_init_inputs():
    return [input_size, hidden_size, num_outputs]
