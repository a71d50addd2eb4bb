"""Flax NNX translation of vae.py: the noise comes from the module's own key stream, inside the jitted step."""
import jax
import jax.numpy as jnp
import optax
from flax import nnx

rngs = nnx.Rngs(0)


class VAE(nnx.Module):
    def __init__(self, d, z, *, rngs: nnx.Rngs):
        self.enc = nnx.Linear(d, 2 * z, rngs=rngs)
        self.dec = nnx.Linear(z, d, rngs=rngs)
        self.rngs = rngs

    def __call__(self, x):
        mu, logvar = jnp.split(self.enc(x), 2, axis=-1)
        z = mu + jnp.exp(0.5 * logvar) * jax.random.normal(self.rngs(), mu.shape)
        return self.dec(z), mu, logvar


x = jax.random.normal(rngs(), (16, 6))
model = VAE(6, 2, rngs=rngs)
opt = nnx.Optimizer(model, optax.adam(1e-2), wrt=nnx.Param)


@nnx.jit
def train_step(model, opt, x):
    def loss_fn(model):
        recon, mu, logvar = model(x)
        return ((recon - x) ** 2).mean() - 0.5 * (1 + logvar - mu ** 2 - jnp.exp(logvar)).mean()
    loss, grads = nnx.value_and_grad(loss_fn)(model)
    opt.update(model, grads)
    return loss


for step in range(30):
    loss = train_step(model, opt, x)
    print(f"step {step} loss {loss.item():.4f}")
