"""A LeNet-style CNN on NCHW images with BatchNorm and pooling."""
import torch
import torch.nn as nn


class ConvNet(nn.Module):
    def __init__(self, in_channels=1, n_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 8, kernel_size=3, padding=1),
            nn.BatchNorm2d(8, momentum=0.05),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Linear(16, n_classes)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.head(x)


def get_inputs():
    return [torch.randn(2, 1, 16, 16)]


def get_init_inputs():
    return [1, 10]
