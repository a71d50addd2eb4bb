import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, input_dim, hidden_dim, latent_dim, *, rngs: nnx.Rngs):
        self.input_dim = input_dim
        self.fc1 = nnx.Linear(input_dim, hidden_dim, rngs=rngs)
        self.fc_mu = nnx.Linear(hidden_dim, latent_dim, rngs=rngs)
        self.fc_logvar = nnx.Linear(hidden_dim, latent_dim, rngs=rngs)
        self.fc3 = nnx.Linear(latent_dim, hidden_dim, rngs=rngs)
        self.fc4 = nnx.Linear(hidden_dim, input_dim, rngs=rngs)

    def encode(self, x):
        h = jax.nn.leaky_relu(self.fc1(x), 0.1)
        return self.fc_mu(h), self.fc_logvar(h)

    def decode(self, z):
        return jax.nn.sigmoid(self.fc4(jax.nn.relu(self.fc3(z))))

    def __call__(self, x):
        mu, logvar = self.encode(x.reshape(-1, self.input_dim))
        z = mu  # eval mode: no sampling
        return self.decode(z), mu, logvar
