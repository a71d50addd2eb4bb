import jax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_features, width, depth, num_classes, p_drop, *, rngs: nnx.Rngs):
        self.stem = nnx.Sequential(
            nnx.Linear(in_features, width, rngs=rngs),
            nnx.BatchNorm(width, momentum=0.9, epsilon=1e-5, rngs=rngs),
            jax.nn.relu,
        )
        self.blocks = nnx.List([
            nnx.Sequential(
                nnx.LayerNorm(width, epsilon=1e-5, rngs=rngs),
                nnx.Linear(width, 2 * width, rngs=rngs),
                jax.nn.silu,
                nnx.Dropout(p_drop, rngs=rngs),
                nnx.Linear(2 * width, width, rngs=rngs),
            )
            for _ in range(depth)
        ])
        self.norm = nnx.LayerNorm(width, epsilon=1e-5, rngs=rngs)
        self.head = nnx.Linear(width, num_classes, rngs=rngs)

    def __call__(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = x + block(x)
        return self.head(self.norm(x))
