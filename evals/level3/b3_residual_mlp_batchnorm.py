import torch
import torch.nn as nn

batch_size = 16
in_features = 64
width = 96
depth = 3
num_classes = 7
p_drop = 0.2


class Model(nn.Module):
    """Tabular MLP: Linear-BatchNorm1d-ReLU stem, a ModuleList of pre-norm residual MLP blocks
    (LayerNorm, expand, SiLU, dropout, project), final LayerNorm and a classifier."""

    def __init__(self, in_features, width, depth, num_classes, p_drop):
        super().__init__()
        self.stem = nn.Sequential(nn.Linear(in_features, width), nn.BatchNorm1d(width), nn.ReLU())
        self.blocks = nn.ModuleList([
            nn.Sequential(
                nn.LayerNorm(width),
                nn.Linear(width, 2 * width),
                nn.SiLU(),
                nn.Dropout(p_drop),
                nn.Linear(2 * width, width),
            )
            for _ in range(depth)
        ])
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, num_classes)

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = x + block(x)
        return self.head(self.norm(x))


def get_inputs():
    return [torch.randn(batch_size, in_features)]


def get_init_inputs():
    return [in_features, width, depth, num_classes, p_drop]
