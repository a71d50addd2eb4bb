import functools

import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, widths, num_classes, *, rngs: nnx.Rngs):
        pool = functools.partial(nnx.max_pool, window_shape=(2, 2), strides=(2, 2))
        layers = []
        c_in = 3
        for w in widths:
            layers += [nnx.Conv(c_in, w, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs),
                       nnx.BatchNorm(w, momentum=0.9, epsilon=1e-5, rngs=rngs), jax.nn.relu,
                       nnx.Conv(w, w, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs),
                       nnx.BatchNorm(w, momentum=0.9, epsilon=1e-5, rngs=rngs), jax.nn.relu,
                       pool]
            c_in = w
        self.features = nnx.Sequential(*layers)
        self.classifier = nnx.Sequential(nnx.Dropout(0.5, rngs=rngs), nnx.Linear(c_in, num_classes, rngs=rngs))

    def __call__(self, x):
        x = self.features(jnp.transpose(x, (0, 2, 3, 1)))
        x = jnp.max(x, axis=(1, 2))
        return self.classifier(x)
