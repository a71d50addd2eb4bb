import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, num_classes, *, rngs: nnx.Rngs):
        self.conv1 = nnx.Conv(1, 6, (5, 5), padding="VALID", rngs=rngs)
        self.conv2 = nnx.Conv(6, 16, (5, 5), padding="VALID", rngs=rngs)
        self.fc1 = nnx.Linear(16 * 5 * 5, 120, rngs=rngs)
        self.fc2 = nnx.Linear(120, 84, rngs=rngs)
        self.fc3 = nnx.Linear(84, num_classes, rngs=rngs)

    def __call__(self, x):
        x = jnp.transpose(x, (0, 2, 3, 1))
        x = nnx.max_pool(jnp.tanh(self.conv1(x)), (2, 2), strides=(2, 2))
        x = nnx.max_pool(jnp.tanh(self.conv2(x)), (2, 2), strides=(2, 2))
        # flatten in torch's C, H, W order so fc1's weights line up
        x = jnp.transpose(x, (0, 3, 1, 2)).reshape(x.shape[0], -1)
        x = jnp.tanh(self.fc1(x))
        x = jnp.tanh(self.fc2(x))
        return self.fc3(x)
