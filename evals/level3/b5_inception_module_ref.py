import jax
import jax.numpy as jnp
from flax import nnx


class BasicConv2d(nnx.Module):
    def __init__(self, in_channels, out_channels, kernel_size, padding=0, *, rngs: nnx.Rngs):
        k, p = kernel_size, padding
        self.conv = nnx.Conv(in_channels, out_channels, (k, k), padding=((p, p), (p, p)), use_bias=False, rngs=rngs)
        self.bn = nnx.BatchNorm(out_channels, epsilon=0.001, momentum=0.9, rngs=rngs)

    def __call__(self, x):  # NHWC
        return jax.nn.relu(self.bn(self.conv(x)))


class Model(nnx.Module):
    def __init__(self, in_channels, *, rngs: nnx.Rngs):
        self.branch1x1 = BasicConv2d(in_channels, 16, 1, rngs=rngs)
        self.branch3x3_1 = BasicConv2d(in_channels, 12, 1, rngs=rngs)
        self.branch3x3_2 = BasicConv2d(12, 16, 3, 1, rngs=rngs)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 8, 1, rngs=rngs)
        self.branch3x3dbl_2 = BasicConv2d(8, 12, 3, 1, rngs=rngs)
        self.branch3x3dbl_3 = BasicConv2d(12, 12, 3, 1, rngs=rngs)
        self.branch_pool = BasicConv2d(in_channels, 8, 1, rngs=rngs)

    def __call__(self, x):
        h = jnp.transpose(x, (0, 2, 3, 1))
        b1 = self.branch1x1(h)
        b3 = self.branch3x3_2(self.branch3x3_1(h))
        bd = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(h)))
        # avg_pool2d counts the zero padding (count_include_pad=True): divide by the full window
        pooled = nnx.avg_pool(h, window_shape=(3, 3), strides=(1, 1), padding=((1, 1), (1, 1)))
        bp = self.branch_pool(pooled)
        out = jnp.concatenate([b1, b3, bd, bp], axis=-1)
        # ceil_mode: H=12 -> ceil((12 - 3) / 2) + 1 = 6 windows; pad one -inf row/col at the end
        out = nnx.max_pool(out, window_shape=(3, 3), strides=(2, 2), padding=((0, 1), (0, 1)))
        return jnp.transpose(out, (0, 3, 1, 2))
