import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (4, 4), strides=(2, 2), padding=((1, 1), (1, 1)),
                             use_bias=False, rngs=rngs)
        self.norm = nnx.InstanceNorm(out_channels, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        x = self.conv(jnp.transpose(x, (0, 2, 3, 1)))
        x = self.norm(x)
        x = jax.nn.leaky_relu(x, negative_slope=0.2)
        x = nnx.avg_pool(x, window_shape=(2, 2), strides=(2, 2))
        return jnp.transpose(x, (0, 3, 1, 2))
