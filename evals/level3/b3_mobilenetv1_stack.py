import torch
import torch.nn as nn

batch_size = 2
in_channels = 3
image_size = 32
num_classes = 10


def depthwise_separable(c_in, c_out, stride):
    return nn.Sequential(
        nn.Conv2d(c_in, c_in, kernel_size=3, stride=stride, padding=1, groups=c_in, bias=False),
        nn.BatchNorm2d(c_in),
        nn.ReLU6(inplace=True),
        nn.Conv2d(c_in, c_out, kernel_size=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU6(inplace=True),
    )


class Model(nn.Module):
    """MobileNetV1-style network: strided stem, a ModuleList of depthwise-separable blocks built
    from a (c_in, c_out, stride) table, global average pool, linear classifier."""

    def __init__(self, in_channels, num_classes):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, 16, kernel_size=3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU6(inplace=True),
        )
        cfg = [(16, 32, 1), (32, 64, 2), (64, 64, 1), (64, 128, 2)]
        self.blocks = nn.ModuleList([depthwise_separable(a, b, s) for a, b, s in cfg])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        x = self.pool(x).flatten(1)
        return self.fc(x)


def get_inputs():
    return [torch.randn(batch_size, in_channels, image_size, image_size)]


def get_init_inputs():
    return [in_channels, num_classes]
