from flax import nnx


class Model(nnx.Module):
    def __init__(self, rows, cols, *, rngs: nnx.Rngs):
        self.grid = (rows, cols)

    def __call__(self, x):
        # the sizes divide evenly, so every bin is an equal block and a reshape + mean is exact
        n, c, h, w = x.shape
        r, q = self.grid
        return x.reshape(n, c, r, h // r, q, w // q).mean(axis=(3, 5))
