"""A model file without get_inputs(): classes, helpers and a demo block that builds and calls the model."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(h)))


class ConvNet(nn.Module):
    def __init__(self, in_channels, n_classes, width=8):
        super().__init__()
        self.stem = nn.Conv2d(in_channels, width, 3, padding=1)
        self.block = ResidualBlock(width)
        self.head = nn.Linear(width, n_classes)

    def forward(self, x):
        h = self.block(F.relu(self.stem(x)))
        return self.head(h.mean(dim=(2, 3)))


class Unused(nn.Module):
    """Defined for other scripts; the demo never calls it."""

    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, d)

    def forward(self, x):
        return self.fc(x)


def normalize(images, eps=1e-5):
    mean = images.mean(dim=(0, 2, 3), keepdim=True)
    std = images.std(dim=(0, 2, 3), keepdim=True)
    return (images - mean) / (std + eps)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


if __name__ == "__main__":
    model = ConvNet(3, 10)
    model.eval()
    images = torch.rand(4, 3, 16, 16) * 255
    logits = model(normalize(images))
    print(logits.shape, count_parameters(model))
