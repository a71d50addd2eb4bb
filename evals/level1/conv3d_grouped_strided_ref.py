import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, *, rngs: nnx.Rngs):
        self.conv3d = nnx.Conv(in_channels, out_channels, (2, 3, 3), strides=(1, 2, 2),
                               padding=((0, 0), (1, 1), (1, 1)), feature_group_count=2, use_bias=False, rngs=rngs)

    def __call__(self, clip):
        out = self.conv3d(jnp.transpose(clip, (0, 2, 3, 4, 1)))
        return jnp.transpose(out, (0, 4, 1, 2, 3))
