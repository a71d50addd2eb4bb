import jax
import jax.numpy as jnp
from flax import nnx


def _bn(n, rngs):
    return nnx.BatchNorm(n, epsilon=1e-5, momentum=0.9, use_running_average=True, rngs=rngs)


class DenseLayer(nnx.Module):
    def __init__(self, in_channels, growth_rate, bn_size, *, rngs: nnx.Rngs):
        mid = bn_size * growth_rate
        self.norm1 = _bn(in_channels, rngs)
        self.conv1 = nnx.Conv(in_channels, mid, (1, 1), use_bias=False, rngs=rngs)
        self.norm2 = _bn(mid, rngs)
        self.conv2 = nnx.Conv(mid, growth_rate, (3, 3), padding=((1, 1), (1, 1)), use_bias=False, rngs=rngs)

    def __call__(self, features):  # list of NHWC maps
        x = jnp.concatenate(features, axis=-1)
        x = self.conv1(jax.nn.relu(self.norm1(x)))
        return self.conv2(jax.nn.relu(self.norm2(x)))


class Model(nnx.Module):
    def __init__(self, in_channels, growth_rate, num_layers, bn_size, *, rngs: nnx.Rngs):
        self.layers = nnx.List([DenseLayer(in_channels + i * growth_rate, growth_rate, bn_size, rngs=rngs)
                                for i in range(num_layers)])
        total = in_channels + num_layers * growth_rate
        self.transition = nnx.Sequential(
            _bn(total, rngs),
            jax.nn.relu,
            nnx.Conv(total, total // 2, (1, 1), use_bias=False, rngs=rngs),
            lambda v: nnx.avg_pool(v, window_shape=(2, 2), strides=(2, 2)),
        )

    def __call__(self, x):
        features = [jnp.transpose(x, (0, 2, 3, 1))]
        for layer in self.layers:
            features.append(layer(features))
        out = self.transition(jnp.concatenate(features, axis=-1))
        return jnp.transpose(out, (0, 3, 1, 2))
