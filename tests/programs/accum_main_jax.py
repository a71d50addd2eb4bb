"""Flax NNX translation of accum_main.py: the missing zero_grad() kept as an explicit gradient buffer."""
import argparse

import jax
import jax.numpy as jnp
import optax
from flax import nnx

rngs = nnx.Rngs(0)


class Regressor(nnx.Module):
    def __init__(self, d_in, hidden, *, rngs: nnx.Rngs):
        self.net = nnx.Sequential(nnx.Linear(d_in, hidden, rngs=rngs), jnp.tanh, nnx.Linear(hidden, 1, rngs=rngs))

    def __call__(self, x):
        return self.net(x).squeeze(-1)


def make_data(n, d):
    x = jax.random.normal(rngs(), (n, d))
    w = jnp.linspace(-1.0, 1.0, d)
    y = x @ w + 0.1 * jax.random.normal(rngs(), (n,))
    return x, y


def loss_fn(pred, target):
    return jnp.mean((pred - target) ** 2)


@nnx.jit
def backward(model, xb, yb):
    def compute_loss(model):
        return loss_fn(model(xb), yb)
    return nnx.value_and_grad(compute_loss)(model)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.002)
    args = parser.parse_args()
    nnx.reseed(rngs, default=1)
    x, y = make_data(128, 8)
    model = Regressor(8, 16, rngs=rngs)
    optimizer = nnx.Optimizer(model, optax.sgd(args.lr, momentum=0.9, nesterov=True), wrt=nnx.Param)
    # PyTorch never zeroes the gradients: keep them in a buffer that every backward adds to
    model_grads = jax.tree.map(jnp.zeros_like, nnx.state(model, nnx.Param))
    for epoch in range(args.epochs):
        for i in range(0, len(x), args.batch_size):
            xb, yb = x[i:i + args.batch_size], y[i:i + args.batch_size]
            loss, grads = backward(model, xb, yb)
            model_grads = jax.tree.map(jnp.add, model_grads, grads)
            optimizer.update(model, model_grads)
        print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
