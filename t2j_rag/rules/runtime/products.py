"""Products with PyTorch's layouts and scaling rules: the addmm family's beta / alpha, F.linear's
(out, in) weight, and the bilinear form of F.bilinear / nn.Bilinear.

The trade-off: beta == 0 is decided in a helper (PyTorch then never reads the input, so NaN in it
must not leak) rather than folded into inline arithmetic at each call site.
"""

import jax
import jax.numpy as jnp
from flax import nnx


def t2j_scaled_add(input, product, beta=1, alpha=1):
    """beta * input + alpha * product (torch.addmm family). With beta == 0 PyTorch never reads the
    input, so NaN/inf in it must not leak into the result (0 * nan is nan)."""
    scaled = product if isinstance(alpha, (int, float)) and alpha == 1 else alpha * product
    if isinstance(beta, (int, float)) and beta == 0:
        return scaled
    base = input if isinstance(beta, (int, float)) and beta == 1 else beta * input
    return base + scaled


def t2j_linear(x, weight, bias=None):
    """F.linear: weight is (out, in) as in PyTorch."""
    y = x @ weight.T
    return y if bias is None else y + bias


def t2j_bilinear(x1, x2, weight, bias=None):
    """F.bilinear: y_o = x1^T W_o x2 + b_o with weight (out, in1, in2)."""
    y = jnp.einsum("...i,oij,...j->...o", x1, weight, x2)
    return y if bias is None else y + bias


class BilinearTorch(nnx.Module):
    """nn.Bilinear: `weight` (out, in1, in2) and `bias` (out,) keep PyTorch's names and shapes, so the
    weight converter copies them by name; init U(-1/sqrt(in1), 1/sqrt(in1)) like PyTorch."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, *, rngs: nnx.Rngs):
        bound = 1.0 / in1_features ** 0.5
        self.weight = nnx.Param(jax.random.uniform(rngs.params(), (out_features, in1_features, in2_features),
                                                   minval=-bound, maxval=bound))
        self.bias = nnx.Param(jax.random.uniform(rngs.params(), (out_features,), minval=-bound, maxval=bound)) \
            if bias else None

    def __call__(self, x1, x2):
        return t2j_bilinear(x1, x2, self.weight[...], None if self.bias is None else self.bias[...])
