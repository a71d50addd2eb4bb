import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, out_channels, (3, 3, 3), strides=(1, 2, 2),
                             padding=((1, 1), (1, 1), (1, 1)), rngs=rngs)
        # per-sample, per-channel statistics over D, H, W (no running stats in torch by default)
        self.norm = nnx.InstanceNorm(out_channels, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        h = self.norm(self.conv(jnp.transpose(x, (0, 2, 3, 4, 1))))
        h = jax.nn.leaky_relu(h, negative_slope=0.2)
        h = nnx.avg_pool(h, (2, 2, 2), strides=(2, 2, 2))
        return jnp.transpose(h, (0, 4, 1, 2, 3))
