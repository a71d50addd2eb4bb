import jax
import jax.numpy as jnp
from flax import nnx


def channel_shuffle(x, groups):  # NHWC
    n, h, w, c = x.shape
    x = x.reshape(n, h, w, groups, c // groups)
    return jnp.swapaxes(x, 3, 4).reshape(n, h, w, c)


def _bn(c, rngs):
    return nnx.BatchNorm(c, epsilon=1e-5, momentum=0.9, rngs=rngs)


def _dw(c, stride, rngs):
    return nnx.Conv(c, c, (3, 3), strides=(stride, stride), padding=((1, 1), (1, 1)), feature_group_count=c,
                    use_bias=False, rngs=rngs)


def _pw(cin, cout, rngs):
    return nnx.Conv(cin, cout, (1, 1), use_bias=False, rngs=rngs)


class InvertedResidual(nnx.Module):
    def __init__(self, inp, oup, stride, *, rngs: nnx.Rngs):
        self.stride = stride
        bf = oup // 2
        if stride > 1:
            self.branch1 = nnx.Sequential(_dw(inp, stride, rngs), _bn(inp, rngs), _pw(inp, bf, rngs), _bn(bf, rngs),
                                          jax.nn.relu)
        else:
            self.branch1 = nnx.Sequential()
        self.branch2 = nnx.Sequential(
            _pw(inp if stride > 1 else bf, bf, rngs), _bn(bf, rngs), jax.nn.relu,
            _dw(bf, stride, rngs), _bn(bf, rngs),
            _pw(bf, bf, rngs), _bn(bf, rngs), jax.nn.relu,
        )

    def __call__(self, x):  # NHWC
        if self.stride == 1:
            x1, x2 = jnp.split(x, 2, axis=-1)
            out = jnp.concatenate([x1, self.branch2(x2)], axis=-1)
        else:
            out = jnp.concatenate([self.branch1(x), self.branch2(x)], axis=-1)
        return channel_shuffle(out, 2)


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.stage = nnx.Sequential(
            InvertedResidual(in_channels, out_channels, 2, rngs=rngs),
            InvertedResidual(out_channels, out_channels, 1, rngs=rngs),
        )

    def __call__(self, x):
        return jnp.transpose(self.stage(jnp.transpose(x, (0, 2, 3, 1))), (0, 3, 1, 2))
