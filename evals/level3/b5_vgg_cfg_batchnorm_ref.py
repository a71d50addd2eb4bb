import functools

import jax
import jax.numpy as jnp
from flax import nnx

CFG = [1, "M", 2, 2, "M", 4, 4, "M"]


class Model(nnx.Module):
    def __init__(self, in_channels, num_classes, width_mult, *, rngs: nnx.Rngs):
        layers = []
        c = in_channels
        for v in CFG:
            if v == "M":
                layers.append(functools.partial(nnx.max_pool, window_shape=(2, 2), strides=(2, 2)))
            else:
                out = v * width_mult
                layers += [nnx.Conv(c, out, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs),
                           nnx.BatchNorm(out, epsilon=1e-5, momentum=0.9, rngs=rngs), jax.nn.relu]
                c = out
        self.features = nnx.Sequential(*layers)
        last = CFG[-2] * width_mult
        self.classifier = nnx.Sequential(
            nnx.Linear(last * 2 * 2, 64, rngs=rngs),
            jax.nn.relu,
            nnx.Dropout(0.5, rngs=rngs),
            nnx.Linear(64, num_classes, rngs=rngs),
        )

    def __call__(self, x):
        h = self.features(jnp.transpose(x, (0, 2, 3, 1)))
        n, hh, ww, c = h.shape
        # adaptive average pool to 2x2 (the map divides evenly here)
        h = h.reshape(n, 2, hh // 2, 2, ww // 2, c).mean(axis=(2, 4))
        # flatten in torch's (C, H, W) order
        h = jnp.transpose(h, (0, 3, 1, 2)).reshape(n, -1)
        return self.classifier(h)
