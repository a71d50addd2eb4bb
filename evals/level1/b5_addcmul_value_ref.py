from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        pass

    def __call__(self, x, t1, t2):
        return x + (-0.25) * t1 * t2
