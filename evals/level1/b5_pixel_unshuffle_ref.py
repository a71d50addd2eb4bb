from flax import nnx


class Model(nnx.Module):
    def __init__(self, factor, *, rngs: nnx.Rngs):
        self.factor = factor

    def __call__(self, x):
        n, c, h, w = x.shape
        r = self.factor
        x = x.reshape(n, c, h // r, r, w // r, r)
        # output channel index is c * r * r + row_offset * r + col_offset
        x = x.transpose(0, 1, 3, 5, 2, 4)
        return x.reshape(n, c * r * r, h // r, w // r)
