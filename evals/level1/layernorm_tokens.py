import torch
import torch.nn as nn

batch_size = 4
seq_len = 20
hidden = 64


class Model(nn.Module):
    """Per-token LayerNorm with a learned scale but no bias, on small activations."""

    def __init__(self, hidden):
        super().__init__()
        self.ln_final = nn.LayerNorm(hidden, bias=False)

    def forward(self, hidden_states):
        return self.ln_final(hidden_states)


def get_inputs():
    return [torch.randn(batch_size, seq_len, hidden) * 0.05]


def get_init_inputs():
    return [hidden]
