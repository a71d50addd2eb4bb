import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        # per axis, k - 1 - p of padding on the stride-dilated input
        self.deconv3d = nnx.ConvTranspose(in_channels, out_channels, (3, 4, 4), strides=(1, 2, 2),
                                          padding=((1, 1), (2, 2), (2, 2)), rngs=rngs)

    def __call__(self, video):
        y = self.deconv3d(jnp.transpose(video, (0, 2, 3, 4, 1)))
        return jnp.transpose(y, (0, 4, 1, 2, 3))
