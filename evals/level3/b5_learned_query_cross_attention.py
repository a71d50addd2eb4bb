import torch
import torch.nn as nn

batch_size = 3
seq_len = 14
feature_dim = 20
embed_dim = 32
num_heads = 4
num_queries = 4
num_classes = 6


class Model(nn.Module):
    """Perceiver-style readout: learned latent queries cross-attend (kdim/vdim != embed_dim) to a
    padded feature sequence via nn.MultiheadAttention with a key padding mask, then LayerNorm, a
    GELU feed-forward and a linear head on the flattened latents."""

    def __init__(self, feature_dim, embed_dim, num_heads, num_queries, num_classes):
        super().__init__()
        self.queries = nn.Parameter(torch.randn(1, num_queries, embed_dim) * 0.5)
        self.cross_attn = nn.MultiheadAttention(embed_dim, num_heads, dropout=0.1, kdim=feature_dim,
                                                vdim=feature_dim, batch_first=True)
        self.norm = nn.LayerNorm(embed_dim)
        self.ffn = nn.Sequential(nn.Linear(embed_dim, 2 * embed_dim), nn.GELU(), nn.Linear(2 * embed_dim, embed_dim))
        self.head = nn.Linear(num_queries * embed_dim, num_classes)

    def forward(self, features, lengths):
        b, t, _ = features.shape
        pad_mask = torch.arange(t, device=features.device).unsqueeze(0) >= lengths.unsqueeze(1)
        q = self.queries.expand(b, -1, -1)
        attended, _ = self.cross_attn(q, features, features, key_padding_mask=pad_mask, need_weights=False)
        latents = self.norm(q + attended)
        latents = latents + self.ffn(latents)
        return self.head(latents.reshape(b, -1))


def get_inputs():
    features = torch.randn(batch_size, seq_len, feature_dim)
    lengths = torch.tensor([seq_len, seq_len - 5, 3])
    return [features, lengths]


def get_init_inputs():
    return [feature_dim, embed_dim, num_heads, num_queries, num_classes]
