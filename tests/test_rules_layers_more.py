"""More torch.nn layers and functional ops in the rules engine: the runtime helpers in
`t2j_rag/rules/runtime/` against PyTorch numerically, and the options the handlers in
`t2j_rag/rules/handlers/` refuse, which must stay partial with a reason."""

import numpy as np
import pytest

from t2j_rag.rules import translate_unit

CONTEXT = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"


def _close(jax_out, torch_out, tol=1e-5):
    np.testing.assert_allclose(np.asarray(jax_out), torch_out.detach().numpy(), rtol=tol, atol=tol)


def _rand(*shape, seed=0):
    import torch

    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


@pytest.mark.slow
@pytest.mark.parametrize("nd, kwargs", [
    (1, dict(stride=2, padding=1)),
    (1, dict(padding="same", dilation=2)),
    (2, dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)),
    (2, dict(padding="same")),
    (2, dict(padding="valid", stride=3)),
    (3, dict(stride=1, padding=1, groups=2)),
])
def test_functional_conv_matches_torch(nd, kwargs):
    import torch.nn.functional as F

    from t2j_rag.rules.runtime.conv import t2j_conv

    groups = kwargs.get("groups", 1)
    x = _rand(2, 4, *(9, 8, 7)[:nd])
    w = _rand(6, 4 // groups, *(3, 2, 4)[:nd], seed=1)
    b = _rand(6, seed=2)
    want = getattr(F, f"conv{nd}d")(x, w, b, **kwargs)
    got = t2j_conv(x.numpy(), w.numpy(), b.numpy(), **kwargs)
    _close(got, want, 1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("nd, kwargs", [
    (1, dict(stride=2, padding=1, output_padding=1)),
    (2, dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2), dilation=(1, 2))),
    (2, dict(stride=2, groups=2, padding=2)),
    (3, dict(stride=2, padding=1, output_padding=1, groups=2)),
])
def test_functional_conv_transpose_matches_torch(nd, kwargs):
    import torch.nn.functional as F

    from t2j_rag.rules.runtime.conv import t2j_conv_transpose

    groups = kwargs.get("groups", 1)
    x = _rand(2, 4, *(5, 4, 3)[:nd])
    w = _rand(4, 6 // groups, *(3, 4, 2)[:nd], seed=1)
    b = _rand(6, seed=2)
    want = getattr(F, f"conv_transpose{nd}d")(x, w, b, **kwargs)
    got = t2j_conv_transpose(x.numpy(), w.numpy(), b.numpy(), **kwargs)
    assert tuple(got.shape) == tuple(want.shape)
    _close(got, want, 1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("kwargs", [
    dict(kernel_size=3),
    dict(kernel_size=(2, 3), dilation=(2, 1), padding=1, stride=(2, 1)),
    dict(kernel_size=2, stride=2),
])
def test_unfold_and_fold_match_torch(kwargs):
    import torch.nn.functional as F

    from t2j_rag.rules.runtime.shapes import t2j_fold, t2j_unfold

    x = _rand(2, 3, 7, 6)
    cols = F.unfold(x, **kwargs)
    _close(t2j_unfold(x.numpy(), **kwargs), cols)
    _close(t2j_fold(cols.numpy(), (7, 6), **kwargs), F.fold(cols, (7, 6), **kwargs))


def test_shuffles_match_torch():
    import torch.nn.functional as F

    from t2j_rag.rules.runtime.shapes import t2j_channel_shuffle, t2j_pixel_shuffle, t2j_pixel_unshuffle

    x = _rand(2, 12, 3, 5)
    _close(t2j_pixel_shuffle(x.numpy(), 2), F.pixel_shuffle(x, 2))
    y = _rand(2, 3, 6, 4)
    _close(t2j_pixel_unshuffle(y.numpy(), 2), F.pixel_unshuffle(y, 2))
    _close(t2j_channel_shuffle(x.numpy(), 3), F.channel_shuffle(x, 3))


@pytest.mark.slow
@pytest.mark.parametrize("shape, size", [((2, 7, 5, 4), 3), ((2, 6, 9), 4), ((1, 5, 2, 3, 2), 2)])
def test_local_response_norm_matches_torch(shape, size):
    import torch.nn.functional as F

    from t2j_rag.rules.runtime.norms import t2j_local_response_norm

    x = _rand(*shape) * 3
    got = t2j_local_response_norm(x.numpy(), size, 0.01, 0.6, 1.5)
    _close(got, F.local_response_norm(x, size, 0.01, 0.6, 1.5))


@pytest.mark.slow
@pytest.mark.parametrize("nd, kwargs", [
    (1, dict(norm_type=2, kernel_size=3, stride=2)),
    (1, dict(norm_type=3.0, kernel_size=2, ceil_mode=True)),
    (2, dict(norm_type=2, kernel_size=(3, 2), stride=(2, 2), ceil_mode=True)),
    (2, dict(norm_type=1.5, kernel_size=2)),
])
def test_lp_pool_matches_torch(nd, kwargs):
    import torch.nn.functional as F

    from t2j_rag.rules.runtime.pooling import t2j_lp_pool

    x = _rand(2, 3, *(9, 7)[:nd]).abs() if kwargs["norm_type"] == 1.5 else _rand(2, 3, *(9, 7)[:nd])
    got = t2j_lp_pool(x.numpy(), kwargs["norm_type"], nd, kwargs["kernel_size"],
                      kwargs.get("stride"), kwargs.get("ceil_mode", False))
    _close(got, getattr(F, f"lp_pool{nd}d")(x, **kwargs), 1e-4)


@pytest.mark.slow
def test_activation_helpers_match_torch():
    import torch
    import torch.nn.functional as F

    from t2j_rag.rules.runtime import activations as ns

    x = torch.tensor([-2.0, -0.5, -0.3, 0.0, 0.3, 0.5, 0.7, 3.0, 25.0])
    xn = x.numpy()
    _close(ns.t2j_softshrink(xn, 0.5), F.softshrink(x, 0.5))   # the band edges +-0.5 are ties
    _close(ns.t2j_hardshrink(xn, 0.5), F.hardshrink(x, 0.5))
    _close(ns.t2j_tanhshrink(xn), F.tanhshrink(x))
    _close(ns.t2j_threshold(xn, 0.3, -7.0), F.threshold(x, 0.3, -7.0))
    _close(ns.t2j_hardtanh(xn, -0.4, 2.0), F.hardtanh(x, -0.4, 2.0))
    _close(ns.t2j_softplus(xn, 2.0, 1.0), F.softplus(x, 2.0, 1.0))
    _close(ns.t2j_softplus(xn), F.softplus(x))
    _close(ns.t2j_rrelu_eval(xn, 0.1, 0.3), F.rrelu(x, 0.1, 0.3, training=False))
    m = _rand(2, 3, 4, 5)
    with pytest.warns(UserWarning):
        legacy = F.softmin(m)  # implicit dim: PyTorch picks 1 for a 4-d input
    _close(ns.t2j_softmin(m.numpy()), legacy)
    _close(ns.t2j_softmax2d(m.numpy()), torch.nn.Softmax2d()(m))


def test_rms_norm_matches_torch_including_machine_eps():
    import torch
    import torch.nn.functional as F

    x = _rand(2, 3, 4) * 1e-4  # small values make eps matter
    from t2j_rag.rules.runtime.norms import t2j_rms_norm

    w = _rand(3, 4, seed=1)
    _close(t2j_rms_norm(x.numpy(), (3, 4), w.numpy()), F.rms_norm(x, (3, 4), w), 1e-4)
    _close(t2j_rms_norm(x.numpy(), [4], eps=1e-3), F.rms_norm(x, [4], eps=1e-3), 1e-4)
    assert torch.finfo(torch.float32).eps == float(np.finfo(np.float32).eps)


def test_bilinear_matches_torch():
    import torch.nn.functional as F

    from t2j_rag.rules.runtime.products import t2j_bilinear

    x1, x2 = _rand(2, 5, 3), _rand(2, 5, 4, seed=1)
    w, b = _rand(6, 3, 4, seed=2), _rand(6, seed=3)
    got = t2j_bilinear(x1.numpy(), x2.numpy(), w.numpy(), b.numpy())
    _close(got, F.bilinear(x1, x2, w, b), 1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_matches_torch(mode):
    import torch
    import torch.nn.functional as F

    from t2j_rag.rules.runtime.embedding import t2j_embedding_bag as fn

    w = _rand(10, 4)
    flat = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9, 0])
    offsets = torch.tensor([0, 3, 3, 7])  # bag 1 is empty
    psw = _rand(9, seed=1) if mode == "sum" else None
    want = F.embedding_bag(flat, w, offsets, mode=mode, per_sample_weights=psw, padding_idx=2)
    got = fn(flat.numpy(), w.numpy(), offsets.numpy(), mode, None if psw is None else psw.numpy(), False, 2)
    _close(got, want)
    ends = torch.tensor([0, 3, 3, 7, 9])
    want = F.embedding_bag(flat, w, ends, mode=mode, include_last_offset=True)
    _close(fn(flat.numpy(), w.numpy(), ends.numpy(), mode, None, True, None), want)
    rows = torch.tensor([[1, 2, 2], [3, 4, 5]])
    _close(fn(rows.numpy(), w.numpy(), None, mode, None, False, 2),
           F.embedding_bag(rows, w, mode=mode, padding_idx=2))


@pytest.mark.parametrize("line, construct, reason", [
    ("F.rrelu(x, training=True)", "torch.nn.functional.rrelu", "PRNG key"),
    ("F.embedding(x, m, max_norm=1.0)", "torch.nn.functional.embedding", "max_norm"),
    ("F.embedding_bag(x, m, v, max_norm=2.0)", "torch.nn.functional.embedding_bag", "max_norm"),
    ("F.embedding_bag(x, m, v, mode=v)", "torch.nn.functional.embedding_bag", "mode must be a literal"),
    ("F.conv2d(x, m, padding='full')", "torch.nn.functional.conv2d", "padding"),
    ("F.conv_transpose2d(x, m, padding='same')", "torch.nn.functional.conv_transpose2d", "string padding"),
    ("F.feature_alpha_dropout(x, 0.2, training=True)", "torch.nn.functional.feature_alpha_dropout", "PRNG key"),
    ("F.upsample_nearest(x)", "torch.nn.functional.upsample_nearest", "size or scale_factor"),
])
def test_unhandled_functional_options_stay_partial(line, construct, reason):
    res = translate_unit(f"def f(x, m, v):\n    return {line}\n", CONTEXT)
    assert [u.construct for u in res.untranslated] == [construct]
    assert reason in res.untranslated[0].reason
    assert "# TODO(t2j): " + construct in res.code


def _module_src(line):
    return ("class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            f"        self.m = {line}\n\n    def forward(self, x):\n        return self.m(x)\n")


@pytest.mark.parametrize("line, construct, reason", [
    ("nn.Conv2d(3, 4, 3, padding=1, padding_mode=mode)", "torch.nn.Conv2d", "padding_mode"),
    ("nn.ConvTranspose2d(3, 4, 3, padding_mode='reflect')", "torch.nn.ConvTranspose2d", "padding_mode"),
    ("nn.EmbeddingBag(10, 4, max_norm=1.0)", "torch.nn.EmbeddingBag", "max_norm"),
    ("nn.EmbeddingBag(10, 4, _weight=w)", "torch.nn.EmbeddingBag", "_weight"),
    ("nn.LazyLinear(8)", "torch.nn.LazyLinear", "first call"),
    ("nn.LazyConv2d(8, 3)", "torch.nn.LazyConv2d", "first call"),
    ("nn.ReflectionPad2d((1, 2))", "torch.nn.ReflectionPad2d", "needs 4 values"),
])
def test_unhandled_module_options_stay_partial(line, construct, reason):
    res = translate_unit(_module_src(line), CONTEXT)
    assert [u.construct for u in res.untranslated] == [construct]
    assert reason in res.untranslated[0].reason


@pytest.mark.parametrize("line, expect", [
    ("nn.ReflectionPad2d(2)", "functools.partial(t2j_pad, pad=(2, 2, 2, 2), mode='reflect')"),
    ("nn.ConstantPad1d((1, 3), -1.5)", "functools.partial(t2j_pad, pad=(1, 3), mode='constant', value=-1.5)"),
    ("nn.Softshrink(0.3)", "functools.partial(t2j_softshrink, lambd=0.3)"),
    ("nn.Softplus()", "jax.nn.softplus"),
    ("nn.Conv1d(2, 3, 5, padding='same', padding_mode='circular')", "ConvPaddedNCHW("),
])
def test_module_translations(line, expect):
    res = translate_unit(_module_src(line), CONTEXT)
    assert not res.untranslated
    assert expect in res.code


@pytest.mark.slow
def test_random_modules_are_eval_exact_and_random_only_in_training():
    import jax.numpy as jnp
    from flax import nnx

    from t2j_rag.rules.runtime.activations import RReLUTorch
    from t2j_rag.rules.runtime.dropout import AlphaDropoutTorch

    x = jnp.linspace(-3.0, 3.0, 4000).reshape(40, 10, 10)
    rrelu = RReLUTorch(0.1, 0.3, rngs=nnx.Rngs(0))
    drop = AlphaDropoutTorch(0.5, feature=True, rngs=nnx.Rngs(0))
    rrelu.eval()
    drop.eval()
    np.testing.assert_allclose(rrelu(x), jnp.where(x >= 0, x, 0.2 * x), rtol=1e-6)
    np.testing.assert_array_equal(drop(x), x)
    rrelu.train()
    drop.train()
    y = rrelu(x)
    slope = np.asarray(y / x)[np.asarray(x) < 0]
    assert np.all(np.asarray(y)[np.asarray(x) >= 0] == np.asarray(x)[np.asarray(x) >= 0])
    assert slope.min() >= 0.1 and slope.max() <= 0.3 and slope.std() > 0.01
    z = np.asarray(drop(x))
    # whole channels share one mask: each (sample, channel) plane is an affine image of x or a constant
    per_plane = z.reshape(40, 10, -1).std(axis=2)
    assert (per_plane < 1e-6).any() and (per_plane > 1e-3).any()
