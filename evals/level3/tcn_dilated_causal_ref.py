import jax
import jax.numpy as jnp
from flax import nnx


class TemporalBlock(nnx.Module):
    """Works in (N, L, C); causal padding is a left-only pad on the conv itself."""

    def __init__(self, c_in, c_out, kernel, dilation, *, rngs: nnx.Rngs):
        pad = ((kernel - 1) * dilation, 0)
        self.conv1 = nnx.Conv(c_in, c_out, (kernel,), kernel_dilation=(dilation,), padding=(pad,), rngs=rngs)
        self.conv2 = nnx.Conv(c_out, c_out, (kernel,), kernel_dilation=(dilation,), padding=(pad,), rngs=rngs)
        self.skip = nnx.Conv(c_in, c_out, (1,), rngs=rngs) if c_in != c_out else None

    def __call__(self, x):
        h = jax.nn.relu(self.conv1(x))
        h = jax.nn.relu(self.conv2(h))
        return jax.nn.relu(h + (x if self.skip is None else self.skip(x)))


class Model(nnx.Module):
    def __init__(self, in_channels, hidden, kernel, *, rngs: nnx.Rngs):
        self.blocks = nnx.List([
            TemporalBlock(in_channels if i == 0 else hidden, hidden, kernel, 2 ** i, rngs=rngs) for i in range(3)
        ])
        self.out = nnx.Conv(hidden, 1, (1,), rngs=rngs)

    def __call__(self, x):
        h = jnp.transpose(x, (0, 2, 1))
        for block in self.blocks:
            h = block(h)
        return jnp.transpose(self.out(h), (0, 2, 1))
