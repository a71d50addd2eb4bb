import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_features, hidden_sizes, num_classes, *, rngs: nnx.Rngs):
        layers = []
        width = in_features
        for h in hidden_sizes:
            layers += [nnx.Linear(width, h, rngs=rngs), jax.nn.relu]
            width = h
        layers.append(nnx.Linear(width, num_classes, rngs=rngs))
        self.net = nnx.Sequential(*layers)

    def __call__(self, x):
        return self.net(x)
