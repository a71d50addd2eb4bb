import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        # torch padding p on a k-wide kernel is k - 1 - p of padding on the dilated input
        self.deconv = nnx.ConvTranspose(in_channels, out_channels, (4, 4), strides=(2, 2),
                                        padding=((2, 2), (2, 2)), rngs=rngs)

    def __call__(self, x):
        y = self.deconv(jnp.transpose(x, (0, 2, 3, 1)))
        return jnp.transpose(y, (0, 3, 1, 2))
