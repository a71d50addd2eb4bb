import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        # torch padding p, output_padding op on kernel k: pad (k-1-p, k-1-p+op) on the dilated input
        self.up = nnx.ConvTranspose(in_channels, out_channels, (3, 3), strides=(2, 2),
                                    padding=((1, 2), (1, 2)), use_bias=False, rngs=rngs)
        self.bn = nnx.BatchNorm(out_channels, epsilon=1e-3, momentum=0.95, use_running_average=True, rngs=rngs)
        self.offset = nnx.Param(jax.random.normal(rngs.params(), (out_channels, 1, 1)) * 0.1)

    def __call__(self, x):
        y = self.bn(self.up(jnp.transpose(x, (0, 2, 3, 1))))
        y = jax.nn.gelu(y, approximate=True)
        return jnp.transpose(y, (0, 3, 1, 2)) + self.offset[...]
