import torch
import torch.nn as nn

batch_size = 4
seq_len = 18
pad_tail = 5
vocab_size = 60
embed_dim = 24
hidden_size = 20
num_tags = 9


class Model(nn.Module):
    """Sequence tagger over padded token ids: embedding with a padding row, bidirectional
    batch-first GRU, LayerNorm + dropout on the joined states, per-token tag logits zeroed at padding."""

    def __init__(self, vocab_size, embed_dim, hidden_size, num_tags):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.encoder = nn.GRU(embed_dim, hidden_size, batch_first=True, bidirectional=True)
        self.norm = nn.LayerNorm(2 * hidden_size)
        self.drop = nn.Dropout(0.1)
        self.tagger = nn.Linear(2 * hidden_size, num_tags)

    def forward(self, token_ids):
        states, _ = self.encoder(self.embed(token_ids))
        logits = self.tagger(self.drop(self.norm(states)))
        return logits.masked_fill((token_ids == 0).unsqueeze(-1), 0.0)


def get_inputs():
    token_ids = torch.randint(1, vocab_size, (batch_size, seq_len))
    token_ids[1:, seq_len - pad_tail:] = 0
    return [token_ids]


def get_init_inputs():
    return [vocab_size, embed_dim, hidden_size, num_tags]
