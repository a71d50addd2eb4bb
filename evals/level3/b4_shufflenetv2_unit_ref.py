import jax
import jax.numpy as jnp
from flax import nnx


def _bn(n, rngs):
    return nnx.BatchNorm(n, epsilon=1e-5, momentum=0.9, use_running_average=True, rngs=rngs)


def channel_shuffle(x, groups):  # NCHW
    b, c, h, w = x.shape
    x = x.reshape(b, groups, c // groups, h, w)
    x = jnp.swapaxes(x, 1, 2)
    return x.reshape(b, -1, h, w)


class Model(nnx.Module):
    def __init__(self, channels, *, rngs: nnx.Rngs):
        branch = channels // 2
        self.branch2 = nnx.Sequential(
            nnx.Conv(branch, branch, (1, 1), use_bias=False, rngs=rngs),
            _bn(branch, rngs),
            jax.nn.relu,
            nnx.Conv(branch, branch, (3, 3), padding=((1, 1), (1, 1)), feature_group_count=branch,
                     use_bias=False, rngs=rngs),
            _bn(branch, rngs),
            nnx.Conv(branch, branch, (1, 1), use_bias=False, rngs=rngs),
            _bn(branch, rngs),
            jax.nn.relu,
        )

    def __call__(self, x):
        x1, x2 = jnp.split(x, 2, axis=1)
        y = self.branch2(jnp.transpose(x2, (0, 2, 3, 1)))
        out = jnp.concatenate((x1, jnp.transpose(y, (0, 3, 1, 2))), axis=1)
        return channel_shuffle(out, 2)
