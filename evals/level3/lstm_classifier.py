import torch
import torch.nn as nn

batch_size = 8
seq_len = 15
input_size = 12
hidden_size = 32
num_classes = 4


class Model(nn.Module):
    """Sequence classifier: a batch-first LSTM, its last hidden state, a linear head."""

    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.head(h_n[-1])


def get_inputs():
    return [torch.randn(batch_size, seq_len, input_size)]


def get_init_inputs():
    return [input_size, hidden_size, num_classes]
