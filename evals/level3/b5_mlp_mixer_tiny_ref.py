import jax
import jax.numpy as jnp
from flax import nnx


class MlpBlock(nnx.Module):
    def __init__(self, dim, mlp_dim, *, rngs: nnx.Rngs):
        self.fc1 = nnx.Linear(dim, mlp_dim, rngs=rngs)
        self.fc2 = nnx.Linear(mlp_dim, dim, rngs=rngs)

    def __call__(self, x):
        return self.fc2(jax.nn.gelu(self.fc1(x), approximate=False))


class MixerBlock(nnx.Module):
    def __init__(self, num_tokens, dim, token_mlp_dim, channel_mlp_dim, *, rngs: nnx.Rngs):
        self.norm1 = nnx.LayerNorm(dim, epsilon=1e-6, rngs=rngs)
        self.token_mixing = MlpBlock(num_tokens, token_mlp_dim, rngs=rngs)
        self.norm2 = nnx.LayerNorm(dim, epsilon=1e-6, rngs=rngs)
        self.channel_mixing = MlpBlock(dim, channel_mlp_dim, rngs=rngs)

    def __call__(self, x):
        y = jnp.swapaxes(self.norm1(x), 1, 2)
        x = x + jnp.swapaxes(self.token_mixing(y), 1, 2)
        return x + self.channel_mixing(self.norm2(x))


class Model(nnx.Module):
    def __init__(self, in_channels, image_size, patch_size, hidden_dim, token_mlp_dim, channel_mlp_dim, depth,
                 num_classes, *, rngs: nnx.Rngs):
        num_tokens = (image_size // patch_size) ** 2
        self.stem = nnx.Conv(in_channels, hidden_dim, (patch_size, patch_size), strides=(patch_size, patch_size),
                             padding="VALID", rngs=rngs)
        self.blocks = nnx.Sequential(
            *[MixerBlock(num_tokens, hidden_dim, token_mlp_dim, channel_mlp_dim, rngs=rngs) for _ in range(depth)])
        self.norm = nnx.LayerNorm(hidden_dim, epsilon=1e-6, rngs=rngs)
        self.head = nnx.Linear(hidden_dim, num_classes, rngs=rngs)

    def __call__(self, x):
        h = self.stem(jnp.transpose(x, (0, 2, 3, 1)))
        n, hh, ww, c = h.shape
        h = h.reshape(n, hh * ww, c)  # row-major (h, w) tokens, as torch's flatten(2)
        h = self.norm(self.blocks(h))
        return self.head(h.mean(axis=1))
