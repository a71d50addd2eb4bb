"""Flax NNX translation of bench_classifier.py (hand-written): NumPy data helpers, a jitted train step."""
import argparse
import dataclasses
import math
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx, serialization

rngs = nnx.Rngs(0)


@dataclasses.dataclass
class ModelConfig:
    in_channels: int = 3
    width: int = 16
    stages: int = 2
    n_classes: int = 5
    dropout: float = 0.1


class SyntheticImages:
    """Class-dependent blobs plus noise, so a small CNN can learn something in a few steps."""

    def __init__(self, n, n_classes, size=16, channels=3):
        self.labels = np.asarray(jax.random.randint(rngs(), (n,), 0, n_classes))
        centers = np.asarray(jax.random.normal(rngs(), (n_classes, channels, 1, 1)))
        self.images = centers[self.labels] + 0.8 * np.asarray(jax.random.normal(rngs(), (n, channels, size, size)))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]


class Subset:
    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, indices

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, i):
        return self.dataset[self.indices[i]]


def random_split(dataset, lengths, rngs):
    order = np.asarray(jax.random.permutation(rngs(), sum(lengths)))
    parts, offset = [], 0
    for n in lengths:
        parts.append(Subset(dataset, order[offset:offset + n]))
        offset += n
    return parts


class DataLoader:
    """Stacked NumPy batches; a fresh permutation from `rngs` each epoch when shuffling."""

    def __init__(self, dataset, batch_size, shuffle=False, drop_last=False, rngs=None):
        self.dataset, self.batch_size, self.shuffle, self.drop_last, self.rngs = (
            dataset, batch_size, shuffle, drop_last, rngs)

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = np.asarray(jax.random.permutation(self.rngs(), n)) if self.shuffle else np.arange(n)
        for b in range(len(self)):
            items = [self.dataset[i] for i in order[b * self.batch_size:(b + 1) * self.batch_size]]
            yield tuple(np.stack(column) for column in zip(*items))


class LRScheduler:
    """Sets the learning rate of an inject_hyperparams optimizer from a schedule of its step() count."""

    def __init__(self, optimizer, schedule):
        self.optimizer, self.schedule, self.count = optimizer, schedule, 0

    def step(self):
        self.count += 1
        # a strong float32, as the optimizer was built with: another type would recompile the train step
        self.optimizer.opt_state.hyperparams["learning_rate"][...] = jnp.asarray(self.schedule(self.count), jnp.float32)

    def get_last_lr(self):
        return [float(self.schedule(self.count))]


class ConvBlock(nnx.Module):
    def __init__(self, c_in, c_out, stride=1, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(c_in, c_out, (3, 3), strides=stride, padding=1, use_bias=False, rngs=rngs)
        self.bn = nnx.BatchNorm(c_out, momentum=0.9, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        h = x.transpose(0, 2, 3, 1)  # NCHW at the boundary, NHWC inside
        return jax.nn.relu(self.bn(self.conv(h))).transpose(0, 3, 1, 2)


class ResidualStage(nnx.Module):
    def __init__(self, c_in, c_out, *, rngs: nnx.Rngs):
        self.block1 = ConvBlock(c_in, c_out, stride=2, rngs=rngs)
        self.block2 = ConvBlock(c_out, c_out, rngs=rngs)
        self.skip = nnx.Conv(c_in, c_out, (1, 1), strides=2, rngs=rngs)

    def __call__(self, x):
        skip = self.skip(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
        return self.block2(self.block1(x)) + skip


class Classifier(nnx.Module):
    def __init__(self, cfg, *, rngs: nnx.Rngs):
        self.stem = ConvBlock(cfg.in_channels, cfg.width, rngs=rngs)
        stages = []
        width = cfg.width
        for _ in range(cfg.stages):
            stages.append(ResidualStage(width, width * 2, rngs=rngs))
            width *= 2
        self.stages = nnx.Sequential(*stages)
        self.dropout = nnx.Dropout(cfg.dropout, rngs=rngs)
        self.head = nnx.Linear(width, cfg.n_classes, rngs=rngs)

    def __call__(self, x):
        h = self.stages(self.stem(x))
        h = h.mean(axis=(2, 3))
        return self.head(self.dropout(h))


class LabelSmoothingLoss:
    """Cross-entropy against (1 - eps) * one_hot + eps / K targets."""

    def __init__(self, n_classes, smoothing=0.1):
        self.n_classes, self.smoothing = n_classes, smoothing

    def __call__(self, logits, labels):
        log_probs = jax.nn.log_softmax(logits, axis=-1)
        targets = jax.nn.one_hot(labels, self.n_classes) * (1 - self.smoothing) + self.smoothing / self.n_classes
        return -(targets * log_probs).sum(axis=-1).mean()


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
    return sum(p.size for p in jax.tree.leaves(nnx.state(model, nnx.Param)))


def accuracy(logits, labels):
    return (logits.argmax(axis=-1) == labels).astype(jnp.float32).mean()


def cosine_lr(step, total, base_lr, min_lr=0.0):
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * step / total))


def clip_grad_norm(grads, max_norm):
    # torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1
    norm = optax.global_norm(grads)
    return jax.tree.map(lambda g: g * jnp.minimum(max_norm / (norm + 1e-6), 1.0), grads)


@nnx.jit(static_argnames="criterion")
def train_step(model, optimizer, criterion, images, labels, clip):
    def loss_fn(model):
        return criterion(model(images), labels)
    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, clip_grad_norm(grads, clip))
    return loss


def train_one_epoch(model, loader, criterion, optimizer, scheduler, clip):
    model.train()
    total, count = 0.0, 0
    for images, labels in loader:
        loss = train_step(model, optimizer, criterion, images, labels, clip)
        scheduler.step()
        total += loss.item() * len(labels)
        count += len(labels)
    return total / count


def evaluate(model, loader):
    model.eval()
    correct, count = 0.0, 0
    for images, labels in loader:
        correct += accuracy(model(images), labels).item() * len(labels)
        count += len(labels)
    return correct / count


def save_checkpoint(obj, path):
    with open(path, "wb") as fh:
        fh.write(serialization.msgpack_serialize(obj))


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
    nnx.reseed(rngs, default=args.seed)
    cfg = ModelConfig()
    data = SyntheticImages(args.samples, cfg.n_classes)
    n_val = int(len(data) * args.val_fraction)
    train_set, val_set = random_split(data, [len(data) - n_val, n_val], rngs)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, drop_last=True, rngs=rngs)
    val_loader = DataLoader(val_set, batch_size=args.batch_size)

    model = Classifier(cfg, rngs=rngs)
    criterion = LabelSmoothingLoss(cfg.n_classes, smoothing=0.1)
    print(f"model has {count_parameters(model)} parameters")
    tx = optax.inject_hyperparams(optax.adamw)(learning_rate=jnp.float32(args.lr), weight_decay=args.weight_decay)
    optimizer = nnx.Optimizer(model, tx, wrt=nnx.Param)
    total_steps = args.epochs * len(train_loader)
    scheduler = LRScheduler(optimizer, optax.cosine_decay_schedule(args.lr, total_steps))

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
            state = nnx.state(model, nnx.Not(nnx.RngState)).to_pure_dict()
            save_checkpoint({"model": state, "epoch": epoch, "val_acc": val_acc}, args.checkpoint)
        if stopper.should_stop:
            print(f"no improvement for {stopper.patience} epochs: stopping")
            break
    best_epoch = max(range(len(history)), key=lambda i: history[i][1])
    print(f"best val_acc {stopper.best:.3f} at epoch {best_epoch}; "
          f"expected lr at the end {cosine_lr(total_steps, total_steps, args.lr):.5f}")


if __name__ == "__main__":
    main()
