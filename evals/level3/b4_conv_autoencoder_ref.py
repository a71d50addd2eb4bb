import jax
import jax.numpy as jnp
from flax import nnx


def _bn(n, rngs):
    return nnx.BatchNorm(n, epsilon=1e-5, momentum=0.9, use_running_average=True, rngs=rngs)


class Model(nnx.Module):
    def __init__(self, in_channels, base_channels, latent_dim, image_size, *, rngs: nnx.Rngs):
        dims = [base_channels, base_channels * 2]
        enc = []
        prev = in_channels
        for d in dims:
            enc += [nnx.Conv(prev, d, (3, 3), strides=(2, 2), padding=((1, 1), (1, 1)), rngs=rngs),
                    _bn(d, rngs),
                    lambda v: jax.nn.leaky_relu(v, negative_slope=0.1)]
            prev = d
        self.encoder = nnx.Sequential(*enc)
        self.bottom = image_size // 2 ** len(dims)
        self.top_channels = dims[-1]
        flat = dims[-1] * self.bottom * self.bottom
        self.to_latent = nnx.Linear(flat, latent_dim, rngs=rngs)
        self.from_latent = nnx.Linear(latent_dim, flat, rngs=rngs)
        dec = []
        rev = dims[::-1] + [dims[0]]
        for c_in, c_out in zip(rev[:-1], rev[1:]):
            # torch k=4, s=2, p=1 -> pad k-1-p = 2 on each side of the dilated input
            dec += [nnx.ConvTranspose(c_in, c_out, (4, 4), strides=(2, 2), padding=((2, 2), (2, 2)), rngs=rngs),
                    _bn(c_out, rngs),
                    jax.nn.relu]
        self.decoder = nnx.Sequential(*dec)
        self.out_conv = nnx.Conv(dims[0], in_channels, (3, 3), padding=((1, 1), (1, 1)), rngs=rngs)

    def encode(self, x):  # x NCHW
        h = self.encoder(jnp.transpose(x, (0, 2, 3, 1)))
        h = jnp.transpose(h, (0, 3, 1, 2))  # flatten in torch's (C, H, W) order
        return self.to_latent(h.reshape(h.shape[0], -1))

    def decode(self, z):
        h = self.from_latent(z).reshape(-1, self.top_channels, self.bottom, self.bottom)
        h = self.decoder(jnp.transpose(h, (0, 2, 3, 1)))
        return jnp.transpose(jax.nn.sigmoid(self.out_conv(h)), (0, 3, 1, 2))

    def __call__(self, x):
        return self.decode(self.encode(x))
