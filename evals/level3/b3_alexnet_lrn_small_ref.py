import math

import jax
import jax.numpy as jnp
from flax import nnx


def local_response_norm(x, size=5, alpha=1e-4, beta=0.75, k=2.0):
    """NHWC: x / (k + alpha * mean of squares over a window of `size` channels, zero padded) ** beta."""
    sq = jnp.pad(x * x, ((0, 0), (0, 0), (0, 0), (size // 2, (size - 1) // 2)))
    window = jax.lax.reduce_window(sq, 0.0, jax.lax.add, (1, 1, 1, size), (1, 1, 1, 1), "VALID")
    return x / (k + alpha * window / size) ** beta


def max_pool_3s2(x):
    return nnx.max_pool(x, (3, 3), strides=(2, 2))


def adaptive_avg_pool2d(x, out_hw):
    """NHWC adaptive average pooling with PyTorch's bin edges (floor start, ceil end)."""
    h, w = x.shape[1], x.shape[2]
    rows = []
    for i in range(out_hw[0]):
        h0, h1 = (i * h) // out_hw[0], math.ceil((i + 1) * h / out_hw[0])
        cols = []
        for j in range(out_hw[1]):
            w0, w1 = (j * w) // out_hw[1], math.ceil((j + 1) * w / out_hw[1])
            cols.append(jnp.mean(x[:, h0:h1, w0:w1, :], axis=(1, 2)))
        rows.append(jnp.stack(cols, axis=1))
    return jnp.stack(rows, axis=1)


class Model(nnx.Module):
    def __init__(self, in_channels, num_classes, *, rngs: nnx.Rngs):
        self.features = nnx.Sequential(
            nnx.Conv(in_channels, 16, (5, 5), strides=(2, 2), padding=((2, 2), (2, 2)), rngs=rngs),
            jax.nn.relu,
            local_response_norm,
            max_pool_3s2,
            nnx.Conv(16, 32, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs),
            jax.nn.relu,
            local_response_norm,
            max_pool_3s2,
            nnx.Conv(32, 48, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs),
            jax.nn.relu,
        )
        self.classifier = nnx.Sequential(
            nnx.Dropout(0.5, rngs=rngs),
            nnx.Linear(48 * 2 * 2, 64, rngs=rngs),
            jax.nn.relu,
            nnx.Dropout(0.5, rngs=rngs),
            nnx.Linear(64, num_classes, rngs=rngs),
        )

    def __call__(self, x):
        x = self.features(jnp.transpose(x, (0, 2, 3, 1)))
        x = adaptive_avg_pool2d(x, (2, 2))
        # view(N, -1) flattens in C, H, W order
        x = jnp.transpose(x, (0, 3, 1, 2)).reshape(x.shape[0], -1)
        return self.classifier(x)
