import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, groups, *, rngs: nnx.Rngs):
        self.groups = groups
        self.conv = nnx.Conv(in_channels, out_channels, (3, 3), padding=((1, 1), (1, 1)),
                             feature_group_count=groups, rngs=rngs)

    def __call__(self, x):
        h = self.conv(jnp.transpose(x, (0, 2, 3, 1)))
        n, hh, ww, c = h.shape
        h = h.reshape(n, hh, ww, self.groups, c // self.groups)
        h = jnp.swapaxes(h, 3, 4).reshape(n, hh, ww, c)
        h = jax.nn.elu(h, alpha=0.5)
        h = nnx.avg_pool(h, window_shape=(2, 2), strides=(2, 2))
        return jnp.transpose(h, (0, 3, 1, 2))
