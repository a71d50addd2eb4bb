import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x):
        # the patch feature axis is channel-major (c, kh, kw), the order torch uses
        patches = jax.lax.conv_general_dilated_patches(x, (3, 3), (2, 2), ((1, 1), (1, 1)))
        n, f = patches.shape[:2]
        return patches.reshape(n, f, -1)
