"""Activations whose PyTorch arguments or parameters jax.nn does not take: PReLU with a slope
vector on the channel axis, the shrink family, threshold, softmin's legacy axis, Softmax2d, hardtanh
and softplus with any bounds, and RReLU (random slopes in training, their mean in eval).

The trade-off: each states PyTorch's formula in its docstring and reproduces it literally (strict
versus non-strict comparisons included) rather than reaching for the nearest jax.nn function.
"""

import jax
import jax.numpy as jnp
from flax import nnx


def t2j_prelu(x, weight):
    """F.prelu: the slope vector (C,) or (1,) applies along axis 1, PyTorch's channel axis."""
    w = jnp.reshape(weight, (-1,) + (1,) * (x.ndim - 2)) if x.ndim >= 2 else weight
    return jnp.where(x >= 0, x, w * x)


class PReLUNCHW(nnx.Module):
    """nn.PReLU: a learnable slope `weight` of shape (num_parameters,), named as in PyTorch so the
    weights load by name (nnx.PReLU holds one scalar `negative_slope` instead)."""

    def __init__(self, num_parameters=1, init=0.25):
        self.weight = nnx.Param(jnp.full((num_parameters,), init, jnp.float32))

    def __call__(self, x):
        return t2j_prelu(x, self.weight[...])


def t2j_softshrink(x, lambd=0.5):
    """F.softshrink: x - lambd above lambd, x + lambd below -lambd, 0 in between."""
    return jnp.where(x > lambd, x - lambd, jnp.where(x < -lambd, x + lambd, jnp.zeros_like(x)))


def t2j_hardshrink(x, lambd=0.5):
    """F.hardshrink: x where |x| > lambd (strictly), else 0."""
    return jnp.where((x > lambd) | (x < -lambd), x, jnp.zeros_like(x))


def t2j_tanhshrink(x):
    """F.tanhshrink: x - tanh(x)."""
    return x - jnp.tanh(x)


def t2j_threshold(x, threshold, value):
    """F.threshold: x where x > threshold (strictly), else value."""
    return jnp.where(x > threshold, x, jnp.asarray(value, x.dtype))


def t2j_softmin(x, axis=None):
    """F.softmin: softmax of -x along `axis`; without one, PyTorch's legacy choice (0 for 0-, 1- and 3-d
    inputs, else 1), not every axis at once as jax.nn.softmax(axis=None) would do."""
    if axis is None:
        axis = 0 if x.ndim in (0, 1, 3) else 1
    return jax.nn.softmax(-x, axis=axis)


def t2j_softmax2d(x):
    """nn.Softmax2d: softmax over the channel axis of (N, C, H, W) or (C, H, W), i.e. axis -3."""
    return jax.nn.softmax(x, axis=-3)


def t2j_hardtanh(x, min_val=-1.0, max_val=1.0):
    """F.hardtanh with any bounds: clip to [min_val, max_val]."""
    return jnp.clip(x, min_val, max_val)


def t2j_softplus(x, beta=1.0, threshold=20.0):
    """F.softplus: log(1 + exp(beta x)) / beta, and x itself where beta x > threshold."""
    return jnp.where(x * beta > threshold, x, jnp.logaddexp(0.0, x * beta) / beta)


def t2j_rrelu_eval(x, lower=1.0 / 8.0, upper=1.0 / 3.0):
    """F.rrelu with training=False: a leaky ReLU with the mean slope (lower + upper) / 2."""
    return jnp.where(x >= 0, x, x * ((lower + upper) / 2))


class RReLUTorch(nnx.Module):
    """nn.RReLU: in eval the slope is (lower + upper) / 2; in training every negative element gets its own
    slope drawn from U(lower, upper), from the 'dropout' RNG stream like nnx.Dropout."""

    def __init__(self, lower=1.0 / 8.0, upper=1.0 / 3.0, inplace=False, *, rngs: nnx.Rngs):
        self.lower, self.upper = lower, upper
        self.deterministic = False
        self.rngs = rngs["dropout"].fork()

    def __call__(self, x):
        if self.deterministic:
            return t2j_rrelu_eval(x, self.lower, self.upper)
        slope = jax.random.uniform(self.rngs(), x.shape, x.dtype, self.lower, self.upper)
        return jnp.where(x >= 0, x, x * slope)
