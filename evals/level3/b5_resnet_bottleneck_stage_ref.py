import jax
import jax.numpy as jnp
from flax import nnx


def conv1x1(in_planes, out_planes, rngs, stride=1):
    return nnx.Conv(in_planes, out_planes, (1, 1), strides=(stride, stride), use_bias=False, rngs=rngs)


def conv3x3(in_planes, out_planes, rngs, stride=1):
    return nnx.Conv(in_planes, out_planes, (3, 3), strides=(stride, stride), padding=((1, 1), (1, 1)),
                    use_bias=False, rngs=rngs)


def bn(c, rngs):
    return nnx.BatchNorm(c, epsilon=1e-5, momentum=0.9, rngs=rngs)


class Bottleneck(nnx.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, *, rngs: nnx.Rngs):
        self.conv1 = conv1x1(inplanes, planes, rngs)
        self.bn1 = bn(planes, rngs)
        self.conv2 = conv3x3(planes, planes, rngs, stride)
        self.bn2 = bn(planes, rngs)
        self.conv3 = conv1x1(planes, planes * self.expansion, rngs)
        self.bn3 = bn(planes * self.expansion, rngs)
        self.downsample = downsample

    def __call__(self, x):  # NHWC
        identity = x
        out = jax.nn.relu(self.bn1(self.conv1(x)))
        out = jax.nn.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return jax.nn.relu(out + identity)


class Model(nnx.Module):
    def __init__(self, in_planes, planes, num_blocks, stride, *, rngs: nnx.Rngs):
        expansion = Bottleneck.expansion
        downsample = None
        if stride != 1 or in_planes != planes * expansion:
            downsample = nnx.Sequential(conv1x1(in_planes, planes * expansion, rngs, stride),
                                        bn(planes * expansion, rngs))
        layers = [Bottleneck(in_planes, planes, stride, downsample, rngs=rngs)]
        for _ in range(1, num_blocks):
            layers.append(Bottleneck(planes * expansion, planes, rngs=rngs))
        self.layer = nnx.Sequential(*layers)

    def __call__(self, x):
        return jnp.transpose(self.layer(jnp.transpose(x, (0, 2, 3, 1))), (0, 3, 1, 2))
