import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        # k - 1 - p = 1 before; output_padding adds one more row/column after
        self.deconv = nnx.ConvTranspose(in_channels, out_channels, (3, 3), strides=(2, 2),
                                        padding=((1, 2), (1, 2)), rngs=rngs)

    def __call__(self, x):
        y = self.deconv(jnp.transpose(x, (0, 2, 3, 1)))
        y = (jnp.tanh(y) + 1.0) * 0.5
        return jnp.transpose(y, (0, 3, 1, 2))
