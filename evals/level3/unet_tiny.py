import torch
import torch.nn as nn

batch_size = 2
in_channels = 3
base = 8
image_size = 32


class Model(nn.Module):
    """A one-level U-Net: encode, downsample, bottleneck, upsample, concatenate the skip, decode."""

    def __init__(self, in_channels, base):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(in_channels, base, 3, padding=1), nn.ReLU())
        self.down = nn.MaxPool2d(2)
        self.mid = nn.Sequential(nn.Conv2d(base, 2 * base, 3, padding=1), nn.ReLU())
        self.up = nn.ConvTranspose2d(2 * base, base, kernel_size=2, stride=2)
        self.dec = nn.Sequential(nn.Conv2d(2 * base, base, 3, padding=1), nn.ReLU(), nn.Conv2d(base, 1, 1))

    def forward(self, x):
        skip = self.enc(x)
        h = self.up(self.mid(self.down(skip)))
        return self.dec(torch.cat([h, skip], dim=1))


def get_inputs():
    return [torch.randn(batch_size, in_channels, image_size, image_size)]


def get_init_inputs():
    return [in_channels, base]
