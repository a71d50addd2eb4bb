import jax
import jax.numpy as jnp
from flax import nnx


def _bn(n, rngs):
    return nnx.BatchNorm(n, epsilon=1e-5, momentum=0.9, use_running_average=True, rngs=rngs)


class Bottleneck(nnx.Module):
    expansion = 2

    def __init__(self, in_planes, planes, cardinality, base_width, stride, *, rngs: nnx.Rngs):
        width = cardinality * base_width
        out_planes = planes * self.expansion
        self.conv1 = nnx.Conv(in_planes, width, (1, 1), use_bias=False, rngs=rngs)
        self.bn1 = _bn(width, rngs)
        self.conv2 = nnx.Conv(width, width, (3, 3), strides=(stride, stride), padding=((1, 1), (1, 1)),
                              feature_group_count=cardinality, use_bias=False, rngs=rngs)
        self.bn2 = _bn(width, rngs)
        self.conv3 = nnx.Conv(width, out_planes, (1, 1), use_bias=False, rngs=rngs)
        self.bn3 = _bn(out_planes, rngs)
        if stride != 1 or in_planes != out_planes:
            self.shortcut = nnx.Sequential(
                nnx.Conv(in_planes, out_planes, (1, 1), strides=(stride, stride), use_bias=False, rngs=rngs),
                _bn(out_planes, rngs),
            )
        else:
            self.shortcut = nnx.Sequential()

    def __call__(self, x):  # NHWC
        out = jax.nn.relu(self.bn1(self.conv1(x)))
        out = jax.nn.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out = out + self.shortcut(x)
        return jax.nn.relu(out)


class Model(nnx.Module):
    def __init__(self, in_planes, planes, cardinality, base_width, stride, *, rngs: nnx.Rngs):
        self.block = Bottleneck(in_planes, planes, cardinality, base_width, stride, rngs=rngs)

    def __call__(self, x):
        x = self.block(jnp.transpose(x, (0, 2, 3, 1)))
        return jnp.mean(x, axis=(1, 2))
