import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, channels, reduction, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(channels, channels, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs)
        self.fc1 = nnx.Linear(channels, channels // reduction, rngs=rngs)
        self.fc2 = nnx.Linear(channels // reduction, channels, rngs=rngs)

    def __call__(self, x):
        y = jax.nn.relu(self.conv(jnp.transpose(x, (0, 2, 3, 1))))
        s = y.mean(axis=(1, 2))
        s = jax.nn.sigmoid(self.fc2(jax.nn.relu(self.fc1(s))))
        return jnp.transpose(y * s[:, None, None, :], (0, 3, 1, 2))
