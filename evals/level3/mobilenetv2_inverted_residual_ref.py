import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, channels, expansion, *, rngs: nnx.Rngs):
        hidden = channels * expansion
        self.expand = nnx.Sequential(
            nnx.Conv(channels, hidden, (1, 1), use_bias=False, rngs=rngs),
            nnx.BatchNorm(hidden, momentum=0.9, epsilon=1e-5, rngs=rngs),
            jax.nn.relu6,
        )
        self.depthwise = nnx.Sequential(
            nnx.Conv(hidden, hidden, (3, 3), padding=((1, 1), (1, 1)), feature_group_count=hidden, use_bias=False,
                     rngs=rngs),
            nnx.BatchNorm(hidden, momentum=0.9, epsilon=1e-5, rngs=rngs),
            jax.nn.relu6,
        )
        self.project = nnx.Sequential(
            nnx.Conv(hidden, channels, (1, 1), use_bias=False, rngs=rngs),
            nnx.BatchNorm(channels, momentum=0.9, epsilon=1e-5, rngs=rngs),
        )

    def __call__(self, x):
        h = jnp.transpose(x, (0, 2, 3, 1))
        h = self.project(self.depthwise(self.expand(h)))
        return x + jnp.transpose(h, (0, 3, 1, 2))
