"""More torch tensor functions in the rules engine (t2j_rag/rules/handlers/, runtime/tensor.py and the
note rules-tensor-functions-more): each expression is translated, the translation is executed with
jax, and the result is compared with PyTorch on inputs chosen to hit the traps (ties, negative
values, even-length medians, repeated scatter indices); unsupported options stay partial."""

import numpy as np
import pytest

from t2j_rag.rules import translate_unit

CTX = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"

# Inputs: x has ties and negatives, y is continuous, i indexes dim 1 of x with repeats, b is sorted.
INPUTS = """
x = torch.tensor([[1., 3., 3., -2., 3., 0.], [-5., -5., 2., 2., 7., -1.], [0.5, -0.5, 4., 4., -4., 1.],
                  [2., 2., 2., 1., 1., 1.]])
y = torch.linspace(-2.3, 2.9, 24).reshape(4, 6)
i = torch.tensor([[0, 0, 5], [1, 3, 3], [2, 2, 2], [5, 4, 0]])
b = torch.tensor([-2., -0.5, 0.5, 2., 3.])
p = torch.rand(4, 6) * 0.98 + 0.01
v = torch.tensor([[1., 0., 2.], [0., 3., -1.], [4., 1., 1.]])
n = torch.tensor([[7, -7, 5], [-9, 4, -3]])
"""


def _inputs():
    import torch
    torch.manual_seed(0)
    ns = {"torch": torch}
    exec(INPUTS, ns)
    return {k: ns[k] for k in ("x", "y", "i", "b", "p", "v", "n")}


def _to_numpy(value):
    import torch
    if isinstance(value, torch.Tensor):
        return value.numpy()
    if isinstance(value, (tuple, list)):
        return [_to_numpy(v) for v in value]
    return np.asarray(value)


def _compare(got, want, expr):
    if isinstance(want, list):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), expr
        for g, w in zip(got, want):
            _compare(g, w, expr)
        return
    got = np.asarray(got)
    assert got.shape == want.shape, (expr, got.shape, want.shape)
    if want.dtype == bool or np.issubdtype(want.dtype, np.integer):
        np.testing.assert_array_equal(got, want, err_msg=expr)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=expr)


def _run(expr, stmts=""):
    """Translate `def f(...)` returning expr (after statements), run it in JAX and in PyTorch."""
    import jax.numpy as jnp

    src = f"def f(x, y, i, b, p, v, n):\n{stmts}    return {expr}\n"
    res = translate_unit(src, CTX)
    assert not res.untranslated, [(u.construct, u.reason) for u in res.untranslated]
    ns_j: dict = {}
    exec(res.code, ns_j)
    ins = _inputs()
    got = ns_j["f"](**{k: jnp.asarray(t.numpy()) for k, t in ins.items()})
    ns_t: dict = {}
    exec(CTX + src, ns_t)
    want = ns_t["f"](**{k: t.clone() for k, t in ins.items()})
    return got, _to_numpy(want), res.code


EXPRESSIONS = [
    "torch.absolute(x) + x.absolute()",
    "torch.clamp_min(x, 0.5) + x.clamp_max(-1.0)",
    "torch.deg2rad(y) + y.rad2deg()",
    "torch.diag(v, 1)", "torch.diag(v[0], -1)", "v.diag()",
    "torch.diagonal(x.reshape(2, 3, 4), offset=1, dim1=1, dim2=2)",
    "torch.diag_embed(v, offset=-1)", "torch.diag_embed(v, offset=1, dim1=0, dim2=2)",
    "torch.diff(x, n=2, dim=0, prepend=y[:1])", "x.diff(append=y[:, :2])",
    "torch.digamma(p + 1) + p.lgamma() + torch.erfinv(p * 2 - 1)",
    "torch.xlogy(x.clamp(min=0), p)", "torch.logit(p, eps=0.2)", "p.logit()", "torch.sinc(y)",
    "torch.divide(n, 2, rounding_mode='trunc')", "torch.divide(y, 0.7, rounding_mode='trunc')",
    "n.divide(2, rounding_mode='floor')", "x.true_divide(3)", "n.floor_divide(2)", "n.fmod(4) + n.remainder(4)",
    "y.frac()", "torch.hypot(x, y)", "torch.heaviside(x, torch.tensor(0.5))", "torch.logaddexp(x, y)",
    "torch.logical_xor(x > 0, y > 0)", "torch.float_power(p, 2.5)", "torch.signbit(y)", "x.sgn()",
    "torch.isfinite(torch.log(x))", "torch.isclose(x, x + 1e-6) & y.isclose(y * 1.1, rtol=0.05)",
    "torch.lerp(x, y, 0.75)", "x.lerp(y, p)", "torch.addcmul(x, y, p, value=-0.5)",
    "x.addcdiv(y, p + 1, value=2.0)",
    "torch.dot(x[0], y[0]) + torch.vdot(x[1], y[1]) + torch.inner(x[2], y[2])", "torch.kron(v, v[:2, :2])",
    "torch.trace(v)", "torch.cross(x[:, :3], y[:, :3], dim=1)", "torch.cross(x[:3, :2], y[:3, :2])",
    "torch.linalg.cross(x[:, 3:], y[:, :3])", "torch.inverse(v) + torch.linalg.inv(v)",
    "torch.det(v) + v.det() + torch.linalg.det(v)",
    "torch.fliplr(x) + x.flipud()", "torch.rot90(x, 1, [0, 1])", "x.rot90(-1, (1, 0))",
    "torch.moveaxis(x.reshape(2, 3, 4), 0, -1)", "torch.movedim(x.reshape(2, 3, 4), (0, 1), (2, 0))",
    "x.ravel()", "torch.take(x, i)", "x.take_along_dim(i, dim=1)", "x.tile(2, 1)",
    "torch.hstack([x, y]) ", "torch.vstack((x, y))", "torch.dstack([x, y])", "torch.column_stack([x[0], y[0]])",
    "torch.atleast_2d(x[0, 0])", "torch.meshgrid(b, v[0])", "torch.meshgrid([b, v[0]], indexing='xy')",
    "torch.count_nonzero(x, dim=1)", "torch.nanmean(torch.log(x), dim=1)", "torch.log(x).nansum(0)",
    "torch.logcumsumexp(y, dim=-1)", "torch.cummax(x, dim=1)", "x.cummin(0)", "torch.cummax(x, 1).indices",
    "torch.sort(x, dim=1, descending=True, stable=True)", "x.sort(0)", "torch.argsort(x, dim=1, descending=True)",
    "y.topk(2, dim=0)", "torch.topk(y, 3, largest=False)", "torch.kthvalue(y, 2, dim=0, keepdim=True)",
    "torch.median(x)", "torch.median(y, dim=1)", "y.median(0, keepdim=True).values", "torch.aminmax(x, dim=1)",
    "torch.std_mean(y, dim=1)", "torch.var_mean(y, 1, unbiased=False, keepdim=True)",
    "torch.std_mean(y, False)", "torch.var_mean(y, dim=(0, 1), correction=2)",
    "torch.narrow(x, 1, -4, 2)", "x.narrow(0, 1, 2)", "x.select(1, -1) + torch.select(x, 0, 2)[:4]",
    "torch.index_select(x, 1, i[0])",
    "x.index_add(1, i[1], y[:, :3], alpha=2)", "torch.index_copy(x, 0, i[3, :2] % 4, y[:2])",
    "x.index_fill(1, i[1], -1.0)",
    "x.scatter(1, i, y)", "torch.scatter(x, 1, i, 0.25)", "x.scatter(1, i, y, reduce='add')",
    "torch.scatter_add(x, 1, i, y)", "x.scatter_add(0, i % 4, y)",
    "x.scatter_reduce(1, i, y, reduce='sum', include_self=False)",
    "x.scatter_reduce(1, i, y, 'prod')", "x.scatter_reduce(1, i, y, 'amax', include_self=False)",
    "x.scatter_reduce(1, i, y, 'amin')", "x.scatter_reduce(1, i, y, 'mean')",
    "x.scatter_reduce(1, i, y, 'mean', include_self=False)",
    "n.scatter_reduce(1, i[:2, :2] % 3, n * 3, 'mean')",
    "x.where(x > 0, y)", "x.where(x > 1, 0.0)",
    "torch.searchsorted(b, y)", "torch.searchsorted(b, x, right=True)", "torch.searchsorted(b, x, side='right')",
    "torch.searchsorted(torch.sort(y, dim=1).values, x)",
    "torch.bucketize(x, b)", "torch.bucketize(x, b, right=True)",
    "torch.tensor_split(x, 4, dim=1)", "x.tensor_split([1, 4])", "torch.hsplit(x, 2)", "x.vsplit([1, 3])",
    "torch.renorm(y, 2, 0, 2.0)", "y.renorm(1, 1, 1.5)",
    "torch.trapezoid(y, dim=0)", "torch.trapezoid(y, b[:4].reshape(4, 1), dim=0)", "torch.trapz(y, dx=0.5)",
]


@pytest.mark.slow
@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_translation_matches_torch(expr):
    got, want, code = _run(expr)
    _compare(got, want, f"{expr}\n{code}")


@pytest.mark.slow
def test_inplace_spellings_rebind_the_name():
    stmts = ("    x = x.clone()\n    x.scatter_add_(1, i, y)\n    x.index_fill_(0, i[0, :2], -3.0)\n"
             "    z = y.clone()\n    z.scatter_reduce_(1, i, x, 'amax')\n    w = x.clone()\n    w.fill_(2.5)\n"
             "    u = x.clone()\n    u.zero_()\n    x.index_add_(1, i[1], y[:, :3])\n")
    got, want, code = _run("x, z, w, u", stmts)
    assert "x = t2j_scatter(x, 1, i, y, 'sum')" in code
    _compare(got, want, code)


@pytest.mark.slow
def test_named_results_answer_values_and_indices():
    got, want, code = _run("torch.sort(x, 1).indices + x.topk(2, 0).indices.sum() + torch.cummin(x, 1)[1]")
    _compare(got, want, code)


def test_ties_report_the_last_running_extreme():
    import jax.numpy as jnp

    from t2j_rag.rules.runtime.tensor import t2j_cumextreme

    got = t2j_cumextreme(jnp.array([1.0, 3.0, 3.0, 2.0, 3.0]), 0, "max")
    assert got.indices.tolist() == [0, 1, 2, 2, 4] and got.values.tolist() == [1.0, 3.0, 3.0, 3.0, 3.0]


@pytest.mark.parametrize("line, construct, reason", [
    ("torch.nonzero(x)", "torch.nonzero", "output shape depends on the data"),
    ("x.nonzero()", "torch.Tensor.nonzero", "output shape depends on the data"),
    ("torch.masked_select(x, x > 0)", "torch.masked_select", "output shape"),
    ("torch.unique(x)", "torch.unique", "output shape"),
    ("torch.bincount(i, minlength=4)", "torch.bincount", "max(input) + 1"),
    ("torch.argwhere(x)", "torch.argwhere", "output shape"),
    ("torch.bernoulli(x)", "torch.bernoulli", "PRNG key"),
    ("torch.multinomial(x, 2)", "torch.multinomial", "PRNG key"),
    ("torch.rand_like(x)", "torch.rand_like", "PRNG key"),
    ("torch.randn_like(x)", "torch.randn_like", "PRNG key"),
    ("torch.divide(x, i, rounding_mode=m)", "torch.divide", "must be a literal"),
    ("torch.divide(x, i, rounding_mode='round')", "torch.divide", "not a PyTorch rounding mode"),
    ("x.scatter_reduce(1, i, x, reduce='median')", "torch.Tensor.scatter_reduce", "reduce='median'"),
    ("x.scatter(1, i, x, reduce='max')", "torch.Tensor.scatter", "not a scatter reduction"),
    ("torch.searchsorted(x, i, sorter=m)", "torch.searchsorted", "sorter="),
    ("torch.searchsorted(x, i, right=True, side='left')", "torch.searchsorted", "not valid"),
    ("torch.atleast_2d(x, i)", "torch.atleast_2d", "only one tensor"),
    ("torch.isclose(x, i, out=m)", "torch.isclose", "keyword 'out'"),
    ("torch.sort(x, dim=1, kind='quick')", "torch.sort", "keyword 'kind'"),
])
def test_unsupported_options_stay_partial(line, construct, reason):
    res = translate_unit(f"def f(x, i, m):\n    return {line}\n", CTX)
    assert [u.construct for u in res.untranslated] == [construct]
    assert reason in res.untranslated[0].reason
