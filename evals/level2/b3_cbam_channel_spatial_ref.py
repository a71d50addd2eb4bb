import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, channels, reduction, *, rngs: nnx.Rngs):
        self.mlp = nnx.Sequential(
            nnx.Conv(channels, channels // reduction, (1, 1), use_bias=False, rngs=rngs),
            jax.nn.relu,
            nnx.Conv(channels // reduction, channels, (1, 1), use_bias=False, rngs=rngs),
        )
        self.spatial = nnx.Conv(2, 1, (7, 7), padding=((3, 3), (3, 3)), use_bias=False, rngs=rngs)

    def __call__(self, x):
        x = jnp.transpose(x, (0, 2, 3, 1))  # NHWC
        avg = self.mlp(jnp.mean(x, axis=(1, 2), keepdims=True))
        mx = self.mlp(jnp.max(x, axis=(1, 2), keepdims=True))
        x = x * jax.nn.sigmoid(avg + mx)
        s = jnp.concatenate([jnp.mean(x, axis=-1, keepdims=True), jnp.max(x, axis=-1, keepdims=True)], axis=-1)
        out = x * jax.nn.sigmoid(self.spatial(s))
        return jnp.transpose(out, (0, 3, 1, 2))
