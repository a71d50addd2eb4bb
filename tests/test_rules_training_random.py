"""Host-side randomness of translated programs: every torch draw translated by
`t2j_rag.rules.training.random` runs for real with a key from an nnx.Rngs stream, and must have
torch's shape, dtype, range and distribution (means and spreads over many draws); seeding and
generators must make the draws reproducible."""

import ast

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from t2j_rag.rules.registry import Unsupported
from t2j_rag.rules.training.random import translate_manual_seed, translate_random_call
from training_fake_engine import namespace, run, translate

N = 40_000


def draw(src, seed=0, **values):
    return np.asarray(run(src, rngs=nnx.Rngs(seed), **values))


@pytest.mark.parametrize("src,shape,dtype,low,high,mean,std", [
    ("torch.randn(200, 200)", (200, 200), np.float32, None, None, 0.0, 1.0),
    (f"torch.randn(({N},))", (N,), np.float32, None, None, 0.0, 1.0),
    (f"torch.rand({N})", (N,), np.float32, 0.0, 1.0, 0.5, (1 / 12) ** 0.5),
    (f"torch.rand(size=[{N}], dtype=torch.float16, device='cpu', requires_grad=False)", (N,), np.float16, 0.0, 1.0,
     0.5, (1 / 12) ** 0.5),
    (f"torch.randint(10, ({N},))", (N,), np.int32, 0, 9, 4.5, (99 / 12) ** 0.5),
    (f"torch.randint(-3, 3, size=({N},))", (N,), np.int32, -3, 2, -0.5, (35 / 12) ** 0.5),
    (f"torch.randint(low=1, high=3, size=({N},), dtype=torch.float32)", (N,), np.float32, 1, 2, 1.5, 0.5),
    (f"torch.normal(2.0, 3.0, size=({N},))", (N,), np.float32, None, None, 2.0, 3.0),
    (f"torch.normal(mean=-1.0, std=0.5, size=(2, {N // 2}))", (2, N // 2), np.float32, None, None, -1.0, 0.5),
    (f"torch.empty({N}).uniform_(-2, 2)", (N,), np.float32, -2.0, 2.0, 0.0, (16 / 12) ** 0.5),
    (f"torch.empty(({N},), dtype=torch.float16).normal_(1.0, 0.5)", (N,), np.float16, None, None, 1.0, 0.5),
    (f"torch.empty({N}).normal_()", (N,), np.float32, None, None, 0.0, 1.0),
    (f"torch.empty({N}).exponential_(2.0)", (N,), np.float32, 0.0, None, 0.5, 0.5),
    (f"torch.empty({N}).bernoulli_(0.25)", (N,), np.float32, 0.0, 1.0, 0.25, (0.25 * 0.75) ** 0.5),
])
def test_draws_have_torchs_shape_dtype_range_and_distribution(src, shape, dtype, low, high, mean, std):
    x = draw(src)
    assert x.shape == shape and x.dtype == dtype, (x.shape, x.dtype)
    if low is not None:
        assert x.min() >= low and (np.issubdtype(dtype, np.floating) or x.min() == low)
    if high is not None:
        assert x.max() <= high
    values = x.astype(np.float64)
    assert abs(values.mean() - mean) < 0.03 * max(1.0, std)
    assert abs(values.std() - std) < 0.03 * max(1.0, std)


def test_integer_draws_exclude_high_and_cover_the_range():
    x = draw(f"torch.randint(2, 7, ({N},))")
    assert sorted(set(x.tolist())) == [2, 3, 4, 5, 6]


def test_randperm_is_a_permutation():
    p = draw("torch.randperm(50)")
    assert p.dtype == np.int32 and sorted(p.tolist()) == list(range(50))
    assert draw("torch.randperm(50, dtype=torch.float32)").dtype == np.float32


def test_normal_with_tensor_arguments_broadcasts_like_torch():
    mean = jnp.array([[0.0], [10.0]])
    std = jnp.full((1, N), 2.0)
    x = draw("torch.normal(mean, std)", mean=mean, std=std)
    assert x.shape == (2, N)
    np.testing.assert_allclose(x.mean(axis=1), [0.0, 10.0], atol=0.06)
    np.testing.assert_allclose(x.std(axis=1), [2.0, 2.0], atol=0.06)
    y = draw("torch.normal(mean, 0.5)", mean=jnp.full((N,), 3.0))
    assert y.shape == (N,) and abs(y.mean() - 3.0) < 0.02 and abs(y.std() - 0.5) < 0.02
    z = draw("torch.normal(1.0, std)", std=jnp.full((N,), 0.1))
    assert z.shape == (N,) and abs(z.mean() - 1.0) < 0.01


def test_bernoulli_forms():
    p = jnp.full((N,), 0.3)
    x = draw("torch.bernoulli(p)", p=p)
    assert x.dtype == np.float32 and set(np.unique(x).tolist()) <= {0.0, 1.0} and abs(x.mean() - 0.3) < 0.01
    y = draw("torch.bernoulli(p, 0.8)", p=p)
    assert y.shape == (N,) and abs(y.mean() - 0.8) < 0.01
    z = draw("p.bernoulli()", p=jnp.array([0.0, 1.0]))
    np.testing.assert_array_equal(z, [0.0, 1.0])


def test_poisson_keeps_the_rates_dtype():
    x = draw("torch.poisson(rates)", rates=jnp.full((N,), 4.0))
    assert x.dtype == np.float32 and abs(x.mean() - 4.0) < 0.05 and abs(x.var() - 4.0) < 0.15


def test_like_draws_follow_the_input():
    x = jnp.zeros((300, 100), jnp.bfloat16)
    a = draw("torch.randn_like(x)", x=x)
    assert a.shape == (300, 100) and a.dtype == jnp.bfloat16 and abs(a.astype(np.float32).std() - 1) < 0.03
    b = draw("torch.rand_like(x, dtype=torch.float32)", x=x)
    assert b.dtype == np.float32 and 0 <= b.min() and b.max() < 1
    c = draw("torch.randint_like(x, 5)", x=jnp.zeros(N))
    assert c.dtype == np.float32 and set(np.unique(c).tolist()) == {0.0, 1.0, 2.0, 3.0, 4.0}
    d = draw("torch.randint_like(x, 2, 4)", x=jnp.zeros(N, jnp.int32))
    assert d.dtype == np.int32 and set(np.unique(d).tolist()) == {2, 3}


def test_in_place_fill_of_an_existing_array_keeps_its_shape_and_dtype():
    w = jnp.zeros((64, 32), jnp.float32)
    code, _ = translate("w.normal_(0, 0.02)")
    assert code == "0.02 * jax.random.normal(rngs(), w.shape, dtype=w.dtype)"
    x = draw("w.normal_(0, 0.02)", w=w)
    assert x.shape == (64, 32) and abs(x.std() - 0.02) < 0.002
    u = draw("w.uniform_(0.5)", w=w)
    assert u.min() >= 0.5 and u.max() < 1.0


# --- multinomial ----------------------------------------------------------------------------------


WEIGHTS = [2.0, 0.0, 1.0, 5.0]  # unnormalised, one zero
PROBS = np.array(WEIGHTS) / sum(WEIGHTS)


def test_multinomial_with_replacement_follows_the_weights():
    code, helpers = translate("torch.multinomial(w, 5, replacement=True)")
    assert code == "t2j_multinomial(rngs(), w, 5, replacement=True)" and helpers == {"t2j_multinomial"}
    x = draw(f"torch.multinomial(w, {N}, replacement=True)", w=jnp.array(WEIGHTS))
    assert x.shape == (N,) and x.dtype == np.int32
    np.testing.assert_allclose(np.bincount(x, minlength=4) / N, PROBS, atol=0.01)


def test_multinomial_without_replacement_draws_distinct_indices_in_weighted_order():
    rows = jnp.tile(jnp.array(WEIGHTS), (N, 1))
    x = draw("torch.multinomial(rows, 2)", rows=rows)
    assert x.shape == (N, 2)
    assert (x[:, 0] != x[:, 1]).all() and not (x == 1).any()  # distinct, never a zero weight
    np.testing.assert_allclose(np.bincount(x[:, 0], minlength=4) / N, PROBS, atol=0.01)
    # ordered pairs: P(i then j) = p_i p_j / (1 - p_i), as for torch's sequential draws
    for i, j in [(3, 0), (0, 3), (2, 3)]:
        expected = PROBS[i] * PROBS[j] / (1 - PROBS[i])
        assert abs(((x[:, 0] == i) & (x[:, 1] == j)).mean() - expected) < 0.01


def test_multinomial_method_form_and_2d_with_replacement():
    x = draw("w.multinomial(3, True)", w=jnp.array([[0.0, 1.0], [1.0, 0.0]]))
    np.testing.assert_array_equal(x, [[1, 1, 1], [0, 0, 0]])


# --- streams, seeding and generators --------------------------------------------------------------


def test_consecutive_draws_use_fresh_keys():
    rngs = nnx.Rngs(0)
    ns = namespace(rngs=rngs)
    code, _ = translate("torch.randn(3)")
    assert code == "jax.random.normal(rngs(), (3,))"
    first, second = eval(code, ns), eval(code, ns)
    assert not np.array_equal(first, second)


def _stmt(node):
    return compile(ast.fix_missing_locations(ast.Module(body=[node], type_ignores=[])), "<seed>", "exec")


def test_manual_seed_at_module_level_and_reseeding_elsewhere_reproduce_the_draws():
    top = translate_manual_seed("torch.manual_seed", [ast.Constant(42)], [], module_level=True)
    assert ast.unparse(top) == "rngs = nnx.Rngs(42)"
    ns = namespace()
    code, _ = translate("torch.randn(4)")
    exec(_stmt(top), ns)
    a = eval(code, ns)
    exec(_stmt(top), ns)
    np.testing.assert_array_equal(a, eval(code, ns))

    inner = translate_manual_seed("torch.random.manual_seed", [], [ast.keyword("seed", ast.Name("seed", ast.Load()))],
                                  module_level=False)
    assert ast.unparse(inner) == "nnx.reseed(rngs, default=seed)"
    ns["seed"] = 7
    exec(_stmt(inner), ns)
    b = eval(code, ns)
    eval(code, ns)
    exec(_stmt(inner), ns)
    np.testing.assert_array_equal(b, eval(code, ns))
    assert not np.array_equal(a, b)


def test_device_seeding_disappears():
    for api in ("torch.cuda.manual_seed", "torch.cuda.manual_seed_all"):
        assert translate_manual_seed(api, [ast.Constant(0)], [], module_level=False) is None


def test_generator_is_a_dedicated_stream():
    code, _ = translate("torch.randn(4, generator=torch.Generator().manual_seed(3))")
    assert code == "jax.random.normal(nnx.Rngs(3)(), (4,))"
    assert translate("torch.Generator(device='cpu')")[0] == "nnx.Rngs(0)"
    assert translate("torch.rand(2, generator=None)")[0] == "jax.random.uniform(rngs(), (2,))"
    assert translate("g.manual_seed(5)")[0] == "nnx.reseed(g, default=5)"
    ns = namespace(rngs=nnx.Rngs(0))
    exec("g = " + translate("torch.Generator().manual_seed(3)")[0], ns)
    draws = [eval(translate("torch.rand(3, generator=g)")[0], ns) for _ in range(2)]
    assert not np.array_equal(*draws)
    exec(translate("g.manual_seed(3)")[0], ns)
    again = eval(translate("torch.rand(3, generator=g)")[0], ns)
    exec(translate("g.manual_seed(3)")[0], ns)
    np.testing.assert_array_equal(again, eval(translate("torch.rand(3, generator=g)")[0], ns))


def test_the_stream_expression_is_chosen_by_the_engine():
    call = ast.parse("torch.rand(2, 2)", mode="eval").body
    stream = ast.parse("self.rngs.noise", mode="eval").body
    mapped = translate_random_call("torch.rand", call.args, call.keywords, rngs=stream)
    assert mapped.source == "jax.random.uniform(self.rngs.noise(), (2, 2))"


@pytest.mark.parametrize("src,reason", [
    ("torch.seed()", "nondeterministic"),
    ("torch.get_rng_state()", "nnx.state"),
    ("torch.randn(3, out=buf)", "out= writes"),
    ("torch.normal(0.0, 1.0)", "needs size="),
    ("torch.randint(5)", "no size"),
    ("torch.rand(3, names=None, foo=1)", "keyword 'foo'"),
    ("torch.manual_seed(0)", "a statement"),
])
def test_unsupported_random_calls(src, reason):
    with pytest.raises(Unsupported, match=reason):
        translate(src)


def test_dtype_spellings_translated_or_not_are_accepted():
    assert translate("torch.rand(2, dtype=torch.double)")[0] == "jax.random.uniform(rngs(), (2,), dtype=jnp.float64)"
    assert translate("torch.rand(2, dtype=jnp.bfloat16)")[0] == "jax.random.uniform(rngs(), (2,), dtype=jnp.bfloat16)"
    assert translate("torch.randint(0, 4, (2,), dtype=torch.long)")[0] == "jax.random.randint(rngs(), (2,), 0, 4)"
    assert translate("torch.randint(0, 4, (2,), dtype=torch.uint8)")[0] == \
        "jax.random.randint(rngs(), (2,), 0, 4, dtype=jnp.uint8)"
    assert draw("torch.randint(0, 4, (2,), dtype=torch.uint8)").dtype == np.uint8
    assert jax.numpy.issubdtype(draw("torch.rand(())").dtype, np.floating)
