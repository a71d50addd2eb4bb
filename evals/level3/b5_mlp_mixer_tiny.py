import torch
import torch.nn as nn

batch_size = 2
in_channels = 3
image_size = 16
patch_size = 4
hidden_dim = 32
token_mlp_dim = 24
channel_mlp_dim = 64
depth = 2
num_classes = 7


class MlpBlock(nn.Module):
    def __init__(self, dim, mlp_dim):
        super().__init__()
        self.fc1 = nn.Linear(dim, mlp_dim)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(mlp_dim, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class MixerBlock(nn.Module):
    def __init__(self, num_tokens, dim, token_mlp_dim, channel_mlp_dim):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.token_mixing = MlpBlock(num_tokens, token_mlp_dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.channel_mixing = MlpBlock(dim, channel_mlp_dim)

    def forward(self, x):
        y = self.norm1(x).transpose(1, 2)
        x = x + self.token_mixing(y).transpose(1, 2)
        return x + self.channel_mixing(self.norm2(x))


class Model(nn.Module):
    """MLP-Mixer: conv patch stem, token-mixing and channel-mixing MLP blocks, final LayerNorm,
    mean over tokens, linear head."""

    def __init__(self, in_channels, image_size, patch_size, hidden_dim, token_mlp_dim, channel_mlp_dim, depth,
                 num_classes):
        super().__init__()
        num_tokens = (image_size // patch_size) ** 2
        self.stem = nn.Conv2d(in_channels, hidden_dim, kernel_size=patch_size, stride=patch_size)
        self.blocks = nn.Sequential(
            *[MixerBlock(num_tokens, hidden_dim, token_mlp_dim, channel_mlp_dim) for _ in range(depth)])
        self.norm = nn.LayerNorm(hidden_dim, eps=1e-6)
        self.head = nn.Linear(hidden_dim, num_classes)

    def forward(self, x):
        x = self.stem(x)
        x = x.flatten(2).permute(0, 2, 1)
        x = self.blocks(x)
        x = self.norm(x)
        return self.head(x.mean(dim=1))


def get_inputs():
    return [torch.randn(batch_size, in_channels, image_size, image_size)]


def get_init_inputs():
    return [in_channels, image_size, patch_size, hidden_dim, token_mlp_dim, channel_mlp_dim, depth, num_classes]
