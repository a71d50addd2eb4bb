import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 16
in_features = 32
embed_dim = 24
num_prototypes = 10
temperature = 0.1


class Model(nn.Module):
    """Projection, L2 normalisation of embeddings and learned prototypes, cosine logits over a
    temperature, softmax."""

    def __init__(self, in_features, embed_dim, num_prototypes):
        super().__init__()
        self.proj = nn.Linear(in_features, embed_dim, bias=False)
        self.prototypes = nn.Parameter(torch.randn(num_prototypes, embed_dim))

    def forward(self, x):
        z = F.normalize(self.proj(x), p=2, dim=1, eps=1e-8)
        protos = F.normalize(self.prototypes, dim=-1)
        logits = torch.matmul(z, protos.t()) / temperature
        return F.softmax(logits, dim=-1)


def get_inputs():
    return [torch.randn(batch_size, in_features)]


def get_init_inputs():
    return [in_features, embed_dim, num_prototypes]
