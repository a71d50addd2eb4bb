import jax
import jax.numpy as jnp
from flax import nnx


def relu6(x):
    return jnp.clip(x, 0.0, 6.0)


def bn(c, rngs):
    return nnx.BatchNorm(c, momentum=0.9, epsilon=1e-5, rngs=rngs)


def depthwise_separable(c_in, c_out, stride, rngs):
    return nnx.Sequential(
        nnx.Conv(c_in, c_in, (3, 3), strides=(stride, stride), padding=((1, 1), (1, 1)), feature_group_count=c_in,
                 use_bias=False, rngs=rngs),
        bn(c_in, rngs),
        relu6,
        nnx.Conv(c_in, c_out, (1, 1), use_bias=False, rngs=rngs),
        bn(c_out, rngs),
        relu6,
    )


class Model(nnx.Module):
    def __init__(self, in_channels, num_classes, *, rngs: nnx.Rngs):
        self.stem = nnx.Sequential(
            nnx.Conv(in_channels, 16, (3, 3), strides=(2, 2), padding=((1, 1), (1, 1)), use_bias=False, rngs=rngs),
            bn(16, rngs),
            relu6,
        )
        cfg = [(16, 32, 1), (32, 64, 2), (64, 64, 1), (64, 128, 2)]
        self.blocks = nnx.List([depthwise_separable(a, b, s, rngs) for a, b, s in cfg])
        self.fc = nnx.Linear(128, num_classes, rngs=rngs)

    def __call__(self, x):
        x = self.stem(jnp.transpose(x, (0, 2, 3, 1)))
        for block in self.blocks:
            x = block(x)
        return self.fc(jnp.mean(x, axis=(1, 2)))
