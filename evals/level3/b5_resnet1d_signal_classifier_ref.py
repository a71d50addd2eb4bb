import functools

import jax
import jax.numpy as jnp
from flax import nnx


def _bn(c, rngs):
    return nnx.BatchNorm(c, epsilon=1e-5, momentum=0.9, rngs=rngs)


class ResBlock1d(nnx.Module):
    def __init__(self, in_ch, out_ch, stride, dilation, *, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(in_ch, out_ch, (5,), strides=(stride,), padding=((2, 2),), use_bias=False, rngs=rngs)
        self.bn1 = _bn(out_ch, rngs)
        self.conv2 = nnx.Conv(out_ch, out_ch, (3,), padding=((dilation, dilation),), kernel_dilation=(dilation,),
                              use_bias=False, rngs=rngs)
        self.bn2 = _bn(out_ch, rngs)
        shortcut = None
        if stride != 1 or in_ch != out_ch:
            shortcut = nnx.Sequential(
                nnx.Conv(in_ch, out_ch, (1,), strides=(stride,), use_bias=False, rngs=rngs), _bn(out_ch, rngs))
        self.shortcut = shortcut

    def __call__(self, x):  # (N, L, C)
        out = jax.nn.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        skip = x if self.shortcut is None else self.shortcut(x)
        return jax.nn.relu(out + skip)


class Model(nnx.Module):
    def __init__(self, in_channels, base_channels, num_classes, *, rngs: nnx.Rngs):
        self.stem = nnx.Sequential(
            nnx.Conv(in_channels, base_channels, (7,), strides=(2,), padding=((3, 3),), use_bias=False, rngs=rngs),
            _bn(base_channels, rngs),
            jax.nn.relu,
            functools.partial(nnx.max_pool, window_shape=(3,), strides=(2,), padding=((1, 1),)),
        )
        config = [(base_channels, 1, 1), (base_channels * 2, 2, 1), (base_channels * 2, 1, 2)]
        blocks = []
        ch = base_channels
        for out_ch, stride, dilation in config:
            blocks.append(ResBlock1d(ch, out_ch, stride, dilation, rngs=rngs))
            ch = out_ch
        self.blocks = nnx.List(blocks)
        self.fc = nnx.Linear(2 * ch, num_classes, rngs=rngs)

    def __call__(self, x):
        h = self.stem(jnp.transpose(x, (0, 2, 1)))
        for block in self.blocks:
            h = block(h)
        return self.fc(jnp.concatenate([h.mean(axis=1), h.max(axis=1)], axis=1))
