import torch
import torch.nn as nn

batch_size = 32
in_features = 784
hidden_sizes = [256, 128]
num_classes = 10


class Model(nn.Module):
    """Three-layer MLP for flattened images, built from a list of widths."""

    def __init__(self, in_features, hidden_sizes, num_classes):
        super().__init__()
        layers = []
        width = in_features
        for h in hidden_sizes:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def get_inputs():
    return [torch.randn(batch_size, in_features)]


def get_init_inputs():
    return [in_features, hidden_sizes, num_classes]
