import torch
import torch.nn as nn

batch_size = 4
num_tags = 7
seq_len = 12


class Model(nn.Module):
    """Per-token cross-entropy as a module: logits (N, C, L) and tag ids (N, L), summed."""

    def __init__(self):
        super().__init__()
        self.criterion = nn.CrossEntropyLoss(reduction="sum")

    def forward(self, logits, tags):
        return self.criterion(logits, tags)


def get_inputs():
    return [torch.randn(batch_size, num_tags, seq_len), torch.randint(0, num_tags, (batch_size, seq_len))]


def get_init_inputs():
    return []
