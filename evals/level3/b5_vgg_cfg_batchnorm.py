import torch
import torch.nn as nn

batch_size = 2
in_channels = 3
image_size = 32
num_classes = 10
width_mult = 8

CFG = [1, "M", 2, 2, "M", 4, 4, "M"]


class Model(nn.Module):
    """VGG-style net built from a config list: conv-BN-ReLU stacks with max pools, adaptive
    average pool to 2x2, dropout MLP classifier."""

    def __init__(self, in_channels, num_classes, width_mult):
        super().__init__()
        self.features = self._make_layers(in_channels, width_mult)
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        last = CFG[-2] * width_mult
        self.classifier = nn.Sequential(
            nn.Linear(last * 2 * 2, 64),
            nn.ReLU(True),
            nn.Dropout(0.5),
            nn.Linear(64, num_classes),
        )

    @staticmethod
    def _make_layers(in_channels, width_mult):
        layers = []
        c = in_channels
        for v in CFG:
            if v == "M":
                layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
            else:
                out = v * width_mult
                layers += [nn.Conv2d(c, out, kernel_size=3, padding=1), nn.BatchNorm2d(out), nn.ReLU(inplace=True)]
                c = out
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def get_inputs():
    return [torch.randn(batch_size, in_channels, image_size, image_size)]


def get_init_inputs():
    return [in_channels, num_classes, width_mult]
