import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    expansion = 4

    def __init__(self, inplanes, planes, cardinality, stride, *, rngs: nnx.Rngs):
        width = planes * 2
        out = planes * self.expansion

        def bn(c):
            return nnx.BatchNorm(c, momentum=0.9, epsilon=1e-5, rngs=rngs)

        self.conv1 = nnx.Conv(inplanes, width, (1, 1), use_bias=False, rngs=rngs)
        self.bn1 = bn(width)
        self.conv2 = nnx.Conv(width, width, (3, 3), strides=(stride, stride), padding=((1, 1), (1, 1)),
                              feature_group_count=cardinality, use_bias=False, rngs=rngs)
        self.bn2 = bn(width)
        self.conv3 = nnx.Conv(width, out, (1, 1), use_bias=False, rngs=rngs)
        self.bn3 = bn(out)
        self.downsample = nnx.Sequential(
            nnx.Conv(inplanes, out, (1, 1), strides=(stride, stride), padding="VALID", use_bias=False, rngs=rngs),
            bn(out),
        )

    def __call__(self, x):
        x = jnp.transpose(x, (0, 2, 3, 1))
        identity = self.downsample(x)
        out = jax.nn.relu(self.bn1(self.conv1(x)))
        out = jax.nn.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out = jax.nn.relu(out + identity)
        return jnp.transpose(out, (0, 3, 1, 2))
