"""Flax NNX translation of gan.py: one jitted step function per optimizer."""
import functools

import jax
import jax.numpy as jnp
import optax
from flax import nnx

rngs = nnx.Rngs(0)
LATENT, DATA, BATCH = 4, 2, 64


class Generator(nnx.Module):
    def __init__(self, latent, hidden, out, *, rngs: nnx.Rngs):
        self.net = nnx.Sequential(nnx.Linear(latent, hidden, rngs=rngs),
                                  functools.partial(jax.nn.leaky_relu, negative_slope=0.2),
                                  nnx.Linear(hidden, out, rngs=rngs))

    def __call__(self, z):
        return self.net(z)


class Discriminator(nnx.Module):
    def __init__(self, d, hidden, *, rngs: nnx.Rngs):
        self.net = nnx.Sequential(nnx.Linear(d, hidden, rngs=rngs),
                                  functools.partial(jax.nn.leaky_relu, negative_slope=0.2),
                                  nnx.Linear(hidden, 1, rngs=rngs))

    def __call__(self, x):
        return self.net(x)


def real_batch(n):
    angle = jax.random.uniform(rngs(), (n,)) * 2 * jnp.pi
    return jnp.stack([jnp.cos(angle), jnp.sin(angle)], axis=1) + 0.05 * jax.random.normal(rngs(), (n, 2))


def bce(logits, labels):
    return optax.sigmoid_binary_cross_entropy(logits, labels).mean()


G = Generator(LATENT, 32, DATA, rngs=rngs)
D = Discriminator(DATA, 32, rngs=rngs)
opt_g = nnx.Optimizer(G, optax.adam(2e-3, b1=0.5, b2=0.999), wrt=nnx.Param)
opt_d = nnx.Optimizer(D, optax.adam(2e-3, b1=0.5, b2=0.999), wrt=nnx.Param)
ones, zeros = jnp.ones((BATCH, 1)), jnp.zeros((BATCH, 1))


@nnx.jit
def train_step_d(D, opt_d, real, fake):
    def loss_fn(D):
        return bce(D(real), ones) + bce(D(fake), zeros)
    loss_d, grads = nnx.value_and_grad(loss_fn)(D)
    opt_d.update(D, grads)
    return loss_d


@nnx.jit
def train_step_g(G, opt_g, D, z):
    def loss_fn(G):
        return bce(D(G(z)), ones)
    loss_g, grads = nnx.value_and_grad(loss_fn)(G)
    opt_g.update(G, grads)
    return loss_g


for step in range(200):
    real = real_batch(BATCH)
    z = jax.random.normal(rngs(), (BATCH, LATENT))
    fake = G(z)
    loss_d = train_step_d(D, opt_d, real, fake)
    loss_g = train_step_g(G, opt_g, D, z)
    if step % 5 == 0:
        print(f"step {step} loss_d {loss_d.item():.4f} loss_g {loss_g.item():.4f}")
