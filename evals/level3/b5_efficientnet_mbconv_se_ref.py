import jax
import jax.numpy as jnp
from flax import nnx


class SqueezeExcitation(nnx.Module):
    def __init__(self, channels, squeeze_channels, *, rngs: nnx.Rngs):
        self.fc1 = nnx.Conv(channels, squeeze_channels, (1, 1), rngs=rngs)
        self.fc2 = nnx.Conv(squeeze_channels, channels, (1, 1), rngs=rngs)

    def __call__(self, x):  # NHWC
        s = jnp.mean(x, axis=(1, 2), keepdims=True)
        s = jax.nn.silu(self.fc1(s))
        s = jax.nn.sigmoid(self.fc2(s))
        return x * s


class Model(nnx.Module):
    def __init__(self, in_channels, expand_ratio, se_ratio, *, rngs: nnx.Rngs):
        hidden = in_channels * expand_ratio
        squeeze = max(1, int(in_channels * se_ratio))
        self.expand = nnx.Sequential(
            nnx.Conv(in_channels, hidden, (1, 1), use_bias=False, rngs=rngs),
            nnx.BatchNorm(hidden, epsilon=1e-3, momentum=0.99, rngs=rngs),
            jax.nn.silu,
        )
        self.depthwise = nnx.Sequential(
            nnx.Conv(hidden, hidden, (5, 5), padding=((2, 2), (2, 2)), feature_group_count=hidden,
                     use_bias=False, rngs=rngs),
            nnx.BatchNorm(hidden, epsilon=1e-3, momentum=0.99, rngs=rngs),
            jax.nn.silu,
        )
        self.se = SqueezeExcitation(hidden, squeeze, rngs=rngs)
        self.project = nnx.Sequential(
            nnx.Conv(hidden, in_channels, (1, 1), use_bias=False, rngs=rngs),
            nnx.BatchNorm(in_channels, epsilon=1e-3, momentum=0.99, rngs=rngs),
        )

    def __call__(self, x):
        h = jnp.transpose(x, (0, 2, 3, 1))
        out = self.project(self.se(self.depthwise(self.expand(h))))
        return jnp.transpose(out, (0, 3, 1, 2)) + x
