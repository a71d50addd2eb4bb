import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, channels_in, channels_out, groups, dilation, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(channels_in, channels_out, (3,), padding=((dilation, dilation),),
                             kernel_dilation=(dilation,), feature_group_count=groups, rngs=rngs)

    def __call__(self, x):
        return jnp.swapaxes(self.conv(jnp.swapaxes(x, 1, 2)), 1, 2)
