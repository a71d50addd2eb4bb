import torch
import torch.nn as nn

batch_size = 4
channels = 3
length = 40
hidden_size = 32


class Model(nn.Module):
    """Signal denoiser: a Conv1d front end, a batch-first GRU over time, a per-step linear read-out."""

    def __init__(self, channels, hidden_size):
        super().__init__()
        self.frontend = nn.Conv1d(channels, hidden_size, kernel_size=5, padding=2)
        self.rnn = nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.readout = nn.Linear(hidden_size, channels)

    def forward(self, signal):
        feats = torch.relu(self.frontend(signal)).permute(0, 2, 1)
        states, _ = self.rnn(feats)
        return signal + self.readout(states).permute(0, 2, 1)


def get_inputs():
    return [torch.randn(batch_size, channels, length)]


def get_init_inputs():
    return [channels, hidden_size]
