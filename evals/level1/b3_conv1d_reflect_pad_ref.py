import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, kernel_size, *, rngs: nnx.Rngs):
        self.pad = kernel_size // 2
        self.conv = nnx.Conv(in_channels, out_channels, (kernel_size,), padding="VALID", rngs=rngs)

    def __call__(self, signal):
        # reflect-pad the length axis first, then an unpadded convolution on (N, L, C)
        x = jnp.pad(signal, ((0, 0), (0, 0), (self.pad, self.pad)), mode="reflect")
        return jnp.swapaxes(self.conv(jnp.swapaxes(x, 1, 2)), 1, 2)
