import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
seq_len = 16
input_size = 12
hidden_size = 20
num_classes = 5


class Model(nn.Module):
    """Batch-first two-layer bidirectional GRU classifier: the last layer's forward and backward
    final states (h_n[-2], h_n[-1]) are joined, dropped out and classified."""

    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, num_layers=2, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_size, num_classes)

    def forward(self, x):
        _, h_n = self.gru(x)
        h = torch.cat((h_n[-2], h_n[-1]), dim=1)
        h = F.dropout(h, p=0.3, training=self.training)
        return self.fc(h)


def get_inputs():
    return [torch.randn(batch_size, seq_len, input_size)]


def get_init_inputs():
    return [input_size, hidden_size, num_classes]
