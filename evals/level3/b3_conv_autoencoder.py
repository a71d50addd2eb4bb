import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 2
in_channels = 1
height = 16
width = 16
latent_dim = 20


class Model(nn.Module):
    """Convolutional autoencoder: strided convs + BatchNorm + LeakyReLU, nn.Flatten and a linear
    bottleneck; linear expand, nn.Unflatten, two ConvTranspose2d upsamplers, sigmoid output."""

    def __init__(self, in_channels, height, width, latent_dim):
        super().__init__()
        h, w = height // 4, width // 4
        self.encoder = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, stride=2, padding=1),
            nn.LeakyReLU(0.1),
            nn.Conv2d(16, 32, 3, stride=2, padding=1),
            nn.BatchNorm2d(32),
            nn.LeakyReLU(0.1),
            nn.Flatten(),
            nn.Linear(32 * h * w, latent_dim),
        )
        self.decoder_fc = nn.Linear(latent_dim, 32 * h * w)
        self.decoder = nn.Sequential(
            nn.Unflatten(1, (32, h, w)),
            nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.ConvTranspose2d(16, in_channels, 4, stride=2, padding=1),
            nn.Sigmoid(),
        )

    def forward(self, x):
        z = self.encoder(x)
        return self.decoder(F.relu(self.decoder_fc(z)))


def get_inputs():
    return [torch.rand(batch_size, in_channels, height, width)]


def get_init_inputs():
    return [in_channels, height, width, latent_dim]
