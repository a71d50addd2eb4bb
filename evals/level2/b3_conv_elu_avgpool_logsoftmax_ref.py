import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, mid_channels, height, width, num_classes, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(in_channels, mid_channels, (3, 3), strides=(2, 2), padding=((1, 1), (1, 1)), rngs=rngs)
        self.fc = nnx.Linear(mid_channels * (height // 4) * (width // 4), num_classes, rngs=rngs)

    def __call__(self, x):
        h = self.conv(jnp.transpose(x, (0, 2, 3, 1)))
        h = nnx.avg_pool(jax.nn.elu(h, alpha=0.5), (2, 2), strides=(2, 2))
        # flatten in PyTorch's C, H, W order
        h = jnp.transpose(h, (0, 3, 1, 2)).reshape(h.shape[0], -1)
        return jax.nn.log_softmax(self.fc(h), axis=1)
