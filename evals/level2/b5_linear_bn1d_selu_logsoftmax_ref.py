import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_features, num_classes, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(in_features, num_classes, rngs=rngs)
        self.bn = nnx.BatchNorm(num_classes, epsilon=1e-5, momentum=0.95, rngs=rngs)
        self.dropout = nnx.Dropout(0.3, rngs=rngs)

    def __call__(self, x):
        x = jax.nn.selu(self.bn(self.fc(x)))
        x = self.dropout(x)
        return jax.nn.log_softmax(x, axis=1)
