from flax import nnx


class Model(nnx.Module):
    def __init__(self, num_features, *, rngs: nnx.Rngs):
        # channels stay on axis 1 (NCDHW); flax momentum is 1 - torch momentum
        self.norm = nnx.BatchNorm(num_features, epsilon=1e-4, momentum=0.7, axis=1, rngs=rngs)

    def __call__(self, x):
        return self.norm(x)
