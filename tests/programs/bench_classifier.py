"""An image classifier trained end to end: the ~200-line script the program-check benchmark measures.

Synthetic data from a Dataset subclass, random_split, shuffling DataLoaders, a residual CNN with
BatchNorm and dropout, AdamW with a per-batch cosine schedule, gradient clipping, evaluation,
argparse defaults and a checkpoint.
"""
import argparse
import dataclasses
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, random_split


@dataclasses.dataclass
class ModelConfig:
    in_channels: int = 3
    width: int = 16
    stages: int = 2
    n_classes: int = 5
    dropout: float = 0.1


class SyntheticImages(Dataset):
    """Class-dependent blobs plus noise, so a small CNN can learn something in a few steps."""

    def __init__(self, n, n_classes, size=16, channels=3):
        self.labels = torch.randint(0, n_classes, (n,))
        centers = torch.randn(n_classes, channels, 1, 1)
        self.images = centers[self.labels] + 0.8 * torch.randn(n, channels, size, size)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]


class ConvBlock(nn.Module):
    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class ResidualStage(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.block1 = ConvBlock(c_in, c_out, stride=2)
        self.block2 = ConvBlock(c_out, c_out)
        self.skip = nn.Conv2d(c_in, c_out, 1, stride=2)

    def forward(self, x):
        return self.block2(self.block1(x)) + self.skip(x)


class Classifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.stem = ConvBlock(cfg.in_channels, cfg.width)
        stages = []
        width = cfg.width
        for _ in range(cfg.stages):
            stages.append(ResidualStage(width, width * 2))
            width *= 2
        self.stages = nn.Sequential(*stages)
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(width, cfg.n_classes)

    def forward(self, x):
        h = self.stages(self.stem(x))
        h = F.adaptive_avg_pool2d(h, 1).flatten(1)
        return self.head(self.dropout(h))


class LabelSmoothingLoss(nn.Module):
    """Cross-entropy against (1 - eps) * one_hot + eps / K targets."""

    def __init__(self, n_classes, smoothing=0.1):
        super().__init__()
        self.n_classes, self.smoothing = n_classes, smoothing

    def forward(self, logits, labels):
        log_probs = F.log_softmax(logits, dim=-1)
        targets = F.one_hot(labels, self.n_classes).float() * (1 - self.smoothing) + self.smoothing / self.n_classes
        return -(targets * log_probs).sum(dim=-1).mean()


class EarlyStopping:
    """Stop when the validation accuracy has not improved for `patience` epochs."""

    def __init__(self, patience=2):
        self.patience, self.best, self.bad_epochs = patience, -1.0, 0

    def update(self, value):
        if value > self.best:
            self.best, self.bad_epochs = value, 0
            return True
        self.bad_epochs += 1
        return False

    @property
    def should_stop(self):
        return self.bad_epochs >= self.patience


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def accuracy(logits, labels):
    return (logits.argmax(dim=-1) == labels).float().mean()


def cosine_lr(step, total, base_lr, min_lr=0.0):
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * step / total))


def train_one_epoch(model, loader, criterion, optimizer, scheduler, clip):
    model.train()
    total, count = 0.0, 0
    for images, labels in loader:
        optimizer.zero_grad()
        logits = model(images)
        loss = criterion(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        scheduler.step()
        total += loss.item() * len(labels)
        count += len(labels)
    return total / count


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    correct, count = 0.0, 0
    for images, labels in loader:
        correct += accuracy(model(images), labels).item() * len(labels)
        count += len(labels)
    return correct / count


def parse_args():
    parser = argparse.ArgumentParser(description="train the synthetic-image classifier")
    parser.add_argument("--samples", type=int, default=640)
    parser.add_argument("--val-fraction", type=float, default=0.2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--clip", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint", default="classifier.pt")
    return parser.parse_args()


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    cfg = ModelConfig()
    data = SyntheticImages(args.samples, cfg.n_classes)
    n_val = int(len(data) * args.val_fraction)
    train_set, val_set = random_split(data, [len(data) - n_val, n_val])
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, drop_last=True)
    val_loader = DataLoader(val_set, batch_size=args.batch_size)

    model = Classifier(cfg)
    criterion = LabelSmoothingLoss(cfg.n_classes, smoothing=0.1)
    print(f"model has {count_parameters(model)} parameters")
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    total_steps = args.epochs * len(train_loader)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps)

    stopper = EarlyStopping(patience=2)
    history = []
    for epoch in range(args.epochs):
        start = time.time()
        train_loss = train_one_epoch(model, train_loader, criterion, optimizer, scheduler, args.clip)
        val_acc = evaluate(model, val_loader)
        lr = scheduler.get_last_lr()[0]
        history.append((train_loss, val_acc))
        print(f"epoch {epoch} loss {train_loss:.4f} val_acc {val_acc:.3f} lr {lr:.5f} "
              f"({time.time() - start:.1f}s)")
        if stopper.update(val_acc):
            torch.save({"model": model.state_dict(), "epoch": epoch, "val_acc": val_acc}, args.checkpoint)
        if stopper.should_stop:
            print(f"no improvement for {stopper.patience} epochs: stopping")
            break
    best_epoch = max(range(len(history)), key=lambda i: history[i][1])
    print(f"best val_acc {stopper.best:.3f} at epoch {best_epoch}; "
          f"expected lr at the end {cosine_lr(total_steps, total_steps, args.lr):.5f}")


if __name__ == "__main__":
    main()
