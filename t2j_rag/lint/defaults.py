"""Rules for defaults that differ between PyTorch and Flax: BatchNorm momentum, norm epsilon, GELU, std/var.

Each compares a JAX call with what the PyTorch source used (`TorchFacts`), so
they only fire when the PyTorch code is given; `batchnorm-momentum` also
catches a momentum written in PyTorch's convention (0.1) without it. The
trade-off: a JAX call is matched to "the" PyTorch layer by kind only (every
nnx.LayerNorm against every torch LayerNorm), so the rules stay silent when
the PyTorch side mixes values, or gives one as an expression, rather than
guess which layer became which.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .context import LintContext
from .rule import Hit, Rule
from .syntax import fmt, has_star_kwargs, kw, number, same
from .torch_facts import UNKNOWN

_FLAX_EPS_DEFAULT = {"flax.nnx.LayerNorm": 1e-6, "flax.nnx.BatchNorm": 1e-5, "flax.nnx.GroupNorm": 1e-6,
                     "flax.nnx.RMSNorm": 1e-6}


def _calls(ctx: LintContext) -> Iterator[tuple[ast.Call, str]]:
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Call):
            yield node, ctx.canon(node.func)


# --------------------------------------------------------------------------- batchnorm-momentum


def check_batchnorm_momentum(ctx: LintContext) -> Iterator[Hit]:
    momenta = ctx.facts.bn_momenta
    known = [t for t in momenta if t is not None and t is not UNKNOWN]
    torch_t = known[0] if known and len(known) == len(momenta) and all(same(t, known[0]) for t in known) else None
    for call, name in _calls(ctx):
        if name != "flax.nnx.BatchNorm":
            continue
        k = kw(call, "momentum")
        m = 0.99 if k is None else number(k.value)
        if m is None:
            continue
        if k is not None and m < 0.5:
            want = torch_t if torch_t is not None else m
            yield Hit(call, f"nnx.BatchNorm momentum={fmt(m)} looks like PyTorch's convention: flax momentum = "
                            f"1 - torch momentum, write momentum={fmt(1 - want)}")
        elif torch_t is not None and not same(m, 1 - torch_t):
            given = f"momentum={fmt(m)}" if k is not None else "the flax default momentum=0.99"
            yield Hit(call, f"the PyTorch BatchNorm uses momentum={fmt(torch_t)}, so nnx.BatchNorm needs "
                            f"momentum={fmt(1 - torch_t)} (1 - torch momentum), not {given}")


BATCHNORM_MOMENTUM = Rule(
    id="batchnorm-momentum",
    description="nnx.BatchNorm momentum in PyTorch's convention (flax momentum = 1 - torch momentum)",
    notes=("modules-batchnorm-momentum",),
    check=check_batchnorm_momentum,
)


# --------------------------------------------------------------------------- layernorm-eps


def check_norm_eps(ctx: LintContext) -> Iterator[Hit]:
    for call, name in _calls(ctx):
        if name not in _FLAX_EPS_DEFAULT:
            continue
        torch_eps = ctx.facts.eps.get(name)
        if not torch_eps or any(e is UNKNOWN for e in torch_eps) or has_star_kwargs(call):
            continue
        k = kw(call, "epsilon")
        eps = _FLAX_EPS_DEFAULT[name] if k is None else number(k.value)
        if eps is None or any(same(eps, t) for t in torch_eps):
            continue
        short = name.rsplit(".", 1)[-1]
        want = " or ".join(sorted({repr(t) for t in torch_eps}))
        have = f"epsilon={fmt(eps)}" if k is not None else f"the flax default epsilon={fmt(eps)}"
        yield Hit(call, f"nnx.{short} uses {have} but the PyTorch layer uses eps={want}: pass epsilon={want}",
                  "modules-rmsnorm-eps" if short == "RMSNorm" else None)


LAYERNORM_EPS = Rule(
    id="layernorm-eps",
    description="norm layer epsilon differs from the PyTorch layer's eps (nnx.LayerNorm defaults to 1e-6)",
    notes=("modules-layernorm-eps", "modules-rmsnorm-eps"),
    check=check_norm_eps,
)


# --------------------------------------------------------------------------- gelu-approximate


def check_gelu(ctx: LintContext) -> Iterator[Hit]:
    f = ctx.facts
    if f.gelu_exact == f.gelu_tanh:  # no GELU in the PyTorch code, or both kinds
        return
    refs = [n for n in ast.walk(ctx.tree)
            if isinstance(n, (ast.Attribute, ast.Name)) and ctx.canon(n) in ("jax.nn.gelu", "flax.nnx.gelu")]
    for node in refs:
        approx = _gelu_approximate(ctx, node)
        if approx is None:
            continue
        if f.gelu_exact and approx:
            yield Hit(node, "PyTorch's nn.GELU()/F.gelu are exact (erf) but jax.nn.gelu defaults to the tanh "
                            "approximation: call jax.nn.gelu(x, approximate=False) "
                            "(or functools.partial(jax.nn.gelu, approximate=False))")
        elif f.gelu_tanh and not approx:
            yield Hit(node, "the PyTorch code uses GELU(approximate='tanh'): call jax.nn.gelu(x, approximate=True)")


def _gelu_approximate(ctx: LintContext, node: ast.AST) -> bool | None:
    """Whether this use of jax.nn.gelu is the tanh approximation; None when the code does not say."""
    parent = ctx.parents.get(node)
    approx = True  # jax.nn.gelu's default
    if isinstance(parent, ast.Call) and parent.func is node:
        if has_star_kwargs(parent):
            return None
        k = kw(parent, "approximate")
    elif isinstance(parent, ast.Call) and parent.args and parent.args[0] is node and (
        ctx.canon(parent.func) == "functools.partial"
    ):
        k = kw(parent, "approximate")
    else:
        k = None
    if k is not None:
        if not (isinstance(k.value, ast.Constant) and isinstance(k.value.value, bool)):
            return None
        approx = k.value.value
    return approx


GELU_APPROXIMATE = Rule(
    id="gelu-approximate",
    description="jax.nn.gelu is the tanh approximation by default, PyTorch's GELU is exact erf",
    notes=("layers-gelu-approximate",),
    check=check_gelu,
)


# --------------------------------------------------------------------------- std-ddof


def check_std_ddof(ctx: LintContext) -> Iterator[Hit]:
    f = ctx.facts
    if not f.std_unbiased or f.std_biased:
        return
    for call, name in _calls(ctx):
        is_std = name in ("jax.numpy.std", "jax.numpy.var") or (
            isinstance(call.func, ast.Attribute) and call.func.attr in ("std", "var")
            and not ctx.is_module_ref(call.func.value)
        )
        if not is_std or kw(call, "ddof") or kw(call, "correction") or has_star_kwargs(call):
            continue
        yield Hit(call, "PyTorch's std()/var() are unbiased by default (divide by N-1) but jnp.std/var use ddof=0: "
                        "pass ddof=1")


STD_DDOF = Rule(
    id="std-ddof",
    description="jnp.std/var without ddof= where PyTorch's std/var is unbiased (ddof=1)",
    notes=("tensors-std-var-correction",),
    check=check_std_ddof,
)
