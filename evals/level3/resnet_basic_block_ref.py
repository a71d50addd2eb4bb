import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_planes, planes, stride, *, rngs: nnx.Rngs):
        pad = ((1, 1), (1, 1))
        self.conv1 = nnx.Conv(in_planes, planes, (3, 3), strides=(stride, stride), padding=pad, use_bias=False,
                              rngs=rngs)
        self.bn1 = nnx.BatchNorm(planes, momentum=0.9, epsilon=1e-5, rngs=rngs)
        self.conv2 = nnx.Conv(planes, planes, (3, 3), padding=pad, use_bias=False, rngs=rngs)
        self.bn2 = nnx.BatchNorm(planes, momentum=0.9, epsilon=1e-5, rngs=rngs)
        if stride != 1 or in_planes != planes:
            self.shortcut = nnx.Sequential(
                nnx.Conv(in_planes, planes, (1, 1), strides=(stride, stride), padding="VALID", use_bias=False,
                         rngs=rngs),
                nnx.BatchNorm(planes, momentum=0.9, epsilon=1e-5, rngs=rngs),
            )
        else:
            self.shortcut = nnx.Sequential(lambda h: h)

    def __call__(self, x):
        x = jnp.transpose(x, (0, 2, 3, 1))
        out = jax.nn.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = jax.nn.relu(out + self.shortcut(x))
        return jnp.transpose(out, (0, 3, 1, 2))
