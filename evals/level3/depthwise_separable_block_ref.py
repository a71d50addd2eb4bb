import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, out_channels, stride, *, rngs: nnx.Rngs):
        self.depthwise = nnx.Conv(in_channels, in_channels, (3, 3), strides=(stride, stride),
                                  padding=((1, 1), (1, 1)), feature_group_count=in_channels, use_bias=False,
                                  rngs=rngs)
        self.bn_dw = nnx.BatchNorm(in_channels, momentum=0.9, epsilon=1e-5, rngs=rngs)
        self.pointwise = nnx.Conv(in_channels, out_channels, (1, 1), use_bias=False, rngs=rngs)
        self.bn_pw = nnx.BatchNorm(out_channels, momentum=0.9, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        x = jnp.transpose(x, (0, 2, 3, 1))
        x = jax.nn.relu6(self.bn_dw(self.depthwise(x)))
        x = jax.nn.relu6(self.bn_pw(self.pointwise(x)))
        return jnp.transpose(x, (0, 3, 1, 2))
