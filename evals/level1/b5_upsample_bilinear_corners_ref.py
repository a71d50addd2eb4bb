import jax.numpy as jnp
from flax import nnx


def _resize_axis(x, axis, out):
    n = x.shape[axis]
    # align_corners=True: the first and last samples land exactly on the input corners
    pos = jnp.arange(out, dtype=jnp.float32) * ((n - 1) / (out - 1))
    lo = jnp.clip(jnp.floor(pos).astype(jnp.int32), 0, n - 1)
    hi = jnp.clip(lo + 1, 0, n - 1)
    frac = pos - lo
    shape = [1] * x.ndim
    shape[axis] = out
    frac = frac.reshape(shape)
    return jnp.take(x, lo, axis=axis) * (1 - frac) + jnp.take(x, hi, axis=axis) * frac


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        x = _resize_axis(x, 2, x.shape[2] * 2)
        return _resize_axis(x, 3, x.shape[3] * 2)
