import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, in_channels, height, width, latent_dim, *, rngs: nnx.Rngs):
        h, w = height // 4, width // 4
        pad = ((1, 1), (1, 1))

        def leaky(x):
            return jax.nn.leaky_relu(x, negative_slope=0.1)

        def flatten_chw(x):  # NHWC -> (N, C*H*W) in PyTorch order
            return jnp.transpose(x, (0, 3, 1, 2)).reshape(x.shape[0], -1)

        def unflatten_to_nhwc(x):
            return jnp.transpose(x.reshape(x.shape[0], 32, h, w), (0, 2, 3, 1))

        self.encoder = nnx.Sequential(
            nnx.Conv(in_channels, 16, (3, 3), strides=(2, 2), padding=pad, rngs=rngs),
            leaky,
            nnx.Conv(16, 32, (3, 3), strides=(2, 2), padding=pad, rngs=rngs),
            nnx.BatchNorm(32, momentum=0.9, epsilon=1e-5, rngs=rngs),
            leaky,
            flatten_chw,
            nnx.Linear(32 * h * w, latent_dim, rngs=rngs),
        )
        self.decoder_fc = nnx.Linear(latent_dim, 32 * h * w, rngs=rngs)
        # transposed-conv padding: (k - 1 - p, k - 1 - p + output_padding)
        self.decoder = nnx.Sequential(
            unflatten_to_nhwc,
            nnx.ConvTranspose(32, 16, (3, 3), strides=(2, 2), padding=((1, 2), (1, 2)), rngs=rngs),
            nnx.BatchNorm(16, momentum=0.9, epsilon=1e-5, rngs=rngs),
            jax.nn.relu,
            nnx.ConvTranspose(16, in_channels, (4, 4), strides=(2, 2), padding=((2, 2), (2, 2)), rngs=rngs),
            jax.nn.sigmoid,
        )

    def __call__(self, x):
        z = self.encoder(jnp.transpose(x, (0, 2, 3, 1)))
        y = self.decoder(jax.nn.relu(self.decoder_fc(z)))
        return jnp.transpose(y, (0, 3, 1, 2))
