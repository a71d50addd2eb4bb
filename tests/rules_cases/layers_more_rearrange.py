"""PixelShuffle/PixelUnshuffle, ChannelShuffle, Unfold/Fold (modules and functional, overlapping
patches), Unflatten and the deprecated F.upsample_nearest / F.upsample_bilinear."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.shuffle = nn.PixelShuffle(2)
        self.unshuffle = nn.PixelUnshuffle(2)
        self.chan = nn.ChannelShuffle(4)
        self.unfold = nn.Unfold(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
        self.fold = nn.Fold(output_size=(6, 8), kernel_size=3, padding=1, stride=2)
        self.unflat = nn.Unflatten(1, (2, -1))
        self.proj = nn.Linear(8, 8)

    def forward(self, x):                                        # x: (B, 8, 6, 8)
        s = self.shuffle(self.chan(x))                           # (B, 2, 12, 16)
        u = self.unshuffle(s) - F.pixel_shuffle(F.pixel_unshuffle(x, 2), 2)   # (B, 8, 6, 8)
        cols = self.unfold(u)                                    # (B, 8*6, L)
        patches = F.unfold(x, 3, padding=1, stride=2)            # (B, 72, 12)
        back = self.fold(patches)                                # overlapping patches summed
        again = F.fold(F.unfold(x, 2, stride=2), (6, 8), 2, stride=2)
        v = self.unflat(self.proj(x.mean(dim=(2, 3))))           # (B, 2, 4)
        near = F.upsample_nearest(back, scale_factor=2)
        bil = F.upsample_bilinear(again, size=(9, 11))
        return (cols.mean(dim=2).sum(dim=1) + back.sum(dim=(1, 2, 3)) + v.prod(dim=2).sum(dim=1)
                + near.mean(dim=(1, 2, 3)) + bil.amax(dim=(1, 2, 3)) + channel_stat(x))


def channel_stat(x):
    split = torch.unflatten(x, -1, (2, 4))[..., 1, :]
    return F.channel_shuffle(x, 2)[:, 1].mean(dim=(1, 2)) + split.amin(dim=(1, 2, 3))


def get_inputs():
    return [torch.randn(2, 8, 6, 8)]


def get_init_inputs():
    return []
