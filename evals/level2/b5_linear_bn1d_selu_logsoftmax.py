import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 24
in_features = 36
num_classes = 12


class Model(nn.Module):
    """Classifier tail: Linear, BatchNorm1d (custom momentum), SELU, dropout, log-softmax."""

    def __init__(self, in_features, num_classes):
        super().__init__()
        self.fc = nn.Linear(in_features, num_classes)
        self.bn = nn.BatchNorm1d(num_classes, momentum=0.05)
        self.dropout = nn.Dropout(p=0.3)

    def forward(self, x):
        x = F.selu(self.bn(self.fc(x)))
        x = self.dropout(x)
        return F.log_softmax(x, dim=1)


def get_inputs():
    return [torch.randn(batch_size, in_features)]


def get_init_inputs():
    return [in_features, num_classes]
