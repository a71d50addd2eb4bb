from flax import nnx


class Model(nnx.Module):
    def __init__(self, p, *, rngs: nnx.Rngs):
        # whole channels are dropped together: share the mask over the spatial axes (NCHW)
        self.drop = nnx.Dropout(p, broadcast_dims=(2, 3), rngs=rngs)

    def __call__(self, x):
        return self.drop(x)
