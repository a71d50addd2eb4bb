import torch
import torch.nn as nn
import torch.nn.functional as F

batch_size = 4
in_channels = 2
seq_len = 64
base_channels = 16
num_classes = 4


class ResBlock1d(nn.Module):
    def __init__(self, in_ch, out_ch, stride, dilation):
        super().__init__()
        self.conv1 = nn.Conv1d(in_ch, out_ch, kernel_size=5, stride=stride, padding=2, bias=False)
        self.bn1 = nn.BatchNorm1d(out_ch)
        self.conv2 = nn.Conv1d(out_ch, out_ch, kernel_size=3, padding=dilation, dilation=dilation, bias=False)
        self.bn2 = nn.BatchNorm1d(out_ch)
        self.shortcut = None
        if stride != 1 or in_ch != out_ch:
            self.shortcut = nn.Sequential(nn.Conv1d(in_ch, out_ch, 1, stride=stride, bias=False),
                                          nn.BatchNorm1d(out_ch))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        skip = x if self.shortcut is None else self.shortcut(x)
        return F.relu(out + skip)


class Model(nn.Module):
    """1-D ResNet for signals: wide stem conv with max pool, residual blocks from a
    (channels, stride, dilation) config, global average + max pooling concatenated, linear head."""

    def __init__(self, in_channels, base_channels, num_classes):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv1d(in_channels, base_channels, kernel_size=7, stride=2, padding=3, bias=False),
            nn.BatchNorm1d(base_channels),
            nn.ReLU(inplace=True),
            nn.MaxPool1d(kernel_size=3, stride=2, padding=1),
        )
        config = [(base_channels, 1, 1), (base_channels * 2, 2, 1), (base_channels * 2, 1, 2)]
        blocks = []
        ch = base_channels
        for out_ch, stride, dilation in config:
            blocks.append(ResBlock1d(ch, out_ch, stride, dilation))
            ch = out_ch
        self.blocks = nn.ModuleList(blocks)
        self.fc = nn.Linear(2 * ch, num_classes)

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        avg = F.adaptive_avg_pool1d(x, 1).squeeze(-1)
        mx = F.adaptive_max_pool1d(x, 1).squeeze(-1)
        return self.fc(torch.cat([avg, mx], dim=1))


def get_inputs():
    return [torch.randn(batch_size, in_channels, seq_len)]


def get_init_inputs():
    return [in_channels, base_channels, num_classes]
