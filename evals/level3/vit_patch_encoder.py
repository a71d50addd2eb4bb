import torch
import torch.nn as nn

batch_size = 2
channels = 3
image_size = 16
patch_size = 4
embed_dim = 32
num_heads = 4
mlp_dim = 64
num_classes = 5


class Model(nn.Module):
    """Tiny ViT: strided-conv patch embedding, class token, learned positions, one pre-norm
    encoder block with nn.MultiheadAttention, classification from the class token."""

    def __init__(self, channels, image_size, patch_size, embed_dim, num_heads, mlp_dim, num_classes):
        super().__init__()
        num_patches = (image_size // patch_size) ** 2
        self.patch = nn.Conv2d(channels, embed_dim, kernel_size=patch_size, stride=patch_size)
        self.cls_token = nn.Parameter(torch.randn(1, 1, embed_dim) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, num_patches + 1, embed_dim) * 0.02)
        self.norm1 = nn.LayerNorm(embed_dim)
        self.attn = nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)
        self.norm2 = nn.LayerNorm(embed_dim)
        self.mlp = nn.Sequential(nn.Linear(embed_dim, mlp_dim), nn.GELU(), nn.Linear(mlp_dim, embed_dim))
        self.head = nn.Linear(embed_dim, num_classes)

    def forward(self, images):
        tokens = self.patch(images).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(tokens.size(0), -1, -1)
        x = torch.cat([cls, tokens], dim=1) + self.pos
        h = self.norm1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        x = x + self.mlp(self.norm2(x))
        return self.head(x[:, 0])


def get_inputs():
    return [torch.randn(batch_size, channels, image_size, image_size)]


def get_init_inputs():
    return [channels, image_size, patch_size, embed_dim, num_heads, mlp_dim, num_classes]
