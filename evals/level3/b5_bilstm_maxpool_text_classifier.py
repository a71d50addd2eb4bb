import torch
import torch.nn as nn

batch_size = 4
seq_len = 16
vocab_size = 50
embed_dim = 20
hidden_size = 18
num_classes = 5


class Model(nn.Module):
    """Text classifier: embedding with padding row, single-layer bidirectional LSTM, max over
    time of the concatenated states, dropout, tanh hidden layer, logits."""

    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.25)
        self.fc = nn.Linear(hidden_size * 2, hidden_size)
        self.classifier = nn.Linear(hidden_size, num_classes)

    def forward(self, tokens):
        emb = self.dropout(self.embedding(tokens))
        output, (hidden, cell) = self.lstm(emb)
        pooled, _ = torch.max(output, dim=1)
        h = torch.tanh(self.fc(self.dropout(pooled)))
        return self.classifier(h)


def get_inputs():
    return [torch.randint(0, vocab_size, (batch_size, seq_len))]


def get_init_inputs():
    return [vocab_size, embed_dim, hidden_size, num_classes]
