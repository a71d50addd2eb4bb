import torch
import torch.nn as nn

batch_size = 4
image_size = 32
num_classes = 10
widths = [16, 32]


class Model(nn.Module):
    """A small VGG-style network: stacks of 3x3 conv + BN + ReLU, max pooling, a dropout classifier."""

    def __init__(self, widths, num_classes):
        super().__init__()
        layers = []
        c_in = 3
        for w in widths:
            layers += [nn.Conv2d(c_in, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(inplace=True),
                       nn.Conv2d(w, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(inplace=True),
                       nn.MaxPool2d(2)]
            c_in = w
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(c_in, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = torch.amax(x, dim=(2, 3))
        return self.classifier(x)


def get_inputs():
    return [torch.randn(batch_size, 3, image_size, image_size)]


def get_init_inputs():
    return [widths, num_classes]
