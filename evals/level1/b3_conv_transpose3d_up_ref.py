import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        # padding of the stride-dilated input: k - 1 - p before, k - 1 - p + output_padding after
        self.up = nnx.ConvTranspose(in_channels, out_channels, (3, 3, 3), strides=(2, 2, 2),
                                    padding=((1, 2), (1, 2), (1, 2)), rngs=rngs)

    def __call__(self, volume):
        y = self.up(jnp.transpose(volume, (0, 2, 3, 4, 1)))
        return jnp.transpose(y, (0, 4, 1, 2, 3))
