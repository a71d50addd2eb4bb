"""Flax NNX translation of demo_model.py: NCHW at the boundary, channels-last inside."""
import jax
import jax.numpy as jnp
from flax import nnx

rngs = nnx.Rngs(0)


class ResidualBlock(nnx.Module):
    def __init__(self, channels, *, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(channels, channels, (3, 3), padding=1, use_bias=False, rngs=rngs)
        self.bn1 = nnx.BatchNorm(channels, momentum=0.9, epsilon=1e-5, rngs=rngs)
        self.conv2 = nnx.Conv(channels, channels, (3, 3), padding=1, use_bias=False, rngs=rngs)
        self.bn2 = nnx.BatchNorm(channels, momentum=0.9, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        x = x.transpose(0, 2, 3, 1)
        h = jax.nn.relu(self.bn1(self.conv1(x)))
        return jax.nn.relu(x + self.bn2(self.conv2(h))).transpose(0, 3, 1, 2)


class ConvNet(nnx.Module):
    def __init__(self, in_channels, n_classes, width=8, *, rngs: nnx.Rngs):
        self.stem = nnx.Conv(in_channels, width, (3, 3), padding=1, rngs=rngs)
        self.block = ResidualBlock(width, rngs=rngs)
        self.head = nnx.Linear(width, n_classes, rngs=rngs)

    def __call__(self, x):
        h = jax.nn.relu(self.stem(x.transpose(0, 2, 3, 1))).transpose(0, 3, 1, 2)
        h = self.block(h)
        return self.head(h.mean(axis=(2, 3)))


class Unused(nnx.Module):
    """Defined for other scripts; the demo never calls it."""

    def __init__(self, d, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(d, d, rngs=rngs)

    def __call__(self, x):
        return self.fc(x)


def normalize(images, eps=1e-5):
    mean = images.mean(axis=(0, 2, 3), keepdims=True)
    std = images.std(axis=(0, 2, 3), keepdims=True, ddof=1)
    return (images - mean) / (std + eps)


def count_parameters(model):
    return sum(p.size for p in jax.tree.leaves(nnx.state(model, nnx.Param)))


if __name__ == "__main__":
    model = ConvNet(3, 10, rngs=rngs)
    model.eval()
    images = jax.random.uniform(rngs(), (4, 3, 16, 16)) * 255
    logits = model(normalize(images))
    print(logits.shape, count_parameters(model))
