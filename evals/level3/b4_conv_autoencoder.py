import torch
import torch.nn as nn

batch_size = 2
in_channels = 3
base_channels = 8
latent_dim = 16
image_size = 16


class Model(nn.Module):
    """Convolutional autoencoder: strided Conv-BN-LeakyReLU encoder built from a channel list,
    linear bottleneck, ConvTranspose-BN-ReLU decoder, sigmoid reconstruction."""

    def __init__(self, in_channels, base_channels, latent_dim, image_size):
        super().__init__()
        dims = [base_channels, base_channels * 2]
        enc = []
        prev = in_channels
        for d in dims:
            enc += [nn.Conv2d(prev, d, kernel_size=3, stride=2, padding=1),
                    nn.BatchNorm2d(d),
                    nn.LeakyReLU(0.1)]
            prev = d
        self.encoder = nn.Sequential(*enc)
        self.bottom = image_size // 2 ** len(dims)
        self.top_channels = dims[-1]
        self.to_latent = nn.Linear(dims[-1] * self.bottom * self.bottom, latent_dim)
        self.from_latent = nn.Linear(latent_dim, dims[-1] * self.bottom * self.bottom)
        dec = []
        rev = dims[::-1] + [dims[0]]
        for c_in, c_out in zip(rev[:-1], rev[1:]):
            dec += [nn.ConvTranspose2d(c_in, c_out, kernel_size=4, stride=2, padding=1),
                    nn.BatchNorm2d(c_out),
                    nn.ReLU()]
        self.decoder = nn.Sequential(*dec)
        self.out_conv = nn.Conv2d(dims[0], in_channels, kernel_size=3, padding=1)

    def encode(self, x):
        h = self.encoder(x)
        return self.to_latent(h.view(h.size(0), -1))

    def decode(self, z):
        h = self.from_latent(z).view(-1, self.top_channels, self.bottom, self.bottom)
        return torch.sigmoid(self.out_conv(self.decoder(h)))

    def forward(self, x):
        return self.decode(self.encode(x))


def get_inputs():
    return [torch.rand(batch_size, in_channels, image_size, image_size)]


def get_init_inputs():
    return [in_channels, base_channels, latent_dim, image_size]
