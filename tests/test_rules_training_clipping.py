"""Gradient clipping: the translated call on an nnx gradient State against torch.nn.utils on the same gradients,
eagerly and under jax.jit."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from t2j_rag.rules.registry import Unsupported
from t2j_rag.rules.training.clipping import translate_clipping
from training_pairs import nnx_grads, nnx_model, parse_call, random_grads, runtime_namespace, torch_model, torch_name

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")


def translate(source):
    api, node = parse_call(source)
    return translate_clipping(api, node.args, node.keywords, ast.Name("grads", ast.Load()))


def torch_and_jax(source, scale, jit):
    import jax

    tmodel = torch_model()
    model = nnx_model(tmodel)
    grads = {n: g * scale for n, g in random_grads(tmodel, np.random.default_rng(3)).items()}
    for name, p in tmodel.named_parameters():
        p.grad = torch.tensor(grads[name])
    result = eval(source, {"torch": torch, "model": tmodel})
    translation = translate(source)
    ns = runtime_namespace(translation.helpers)
    fn = eval(f"lambda grads: {ast.unparse(translation.expr)}", ns)
    out = (jax.jit(fn) if jit else fn)(nnx_grads(model, grads))
    return tmodel, result, translation, out


def flat(state):
    from flax import nnx

    return {torch_name(path): np.asarray(v[...]) for path, v in nnx.to_flat_state(state)}


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
@pytest.mark.parametrize("source", [
    "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)",
    "torch.nn.utils.clip_grad_norm_(model.parameters(), 100.0)",
    "torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5, norm_type=float('inf'))",
    "torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0, norm_type=1)",
    "torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0, 3.0, foreach=False)",
    "torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0, norm_type=0.5)",
    "torch.nn.utils.clip_grad_norm(model.parameters(), 1.0)",
    "torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.3)",
])
def test_clipping_matches_torch(source, jit):
    tmodel, result, translation, out = torch_and_jax(source, scale=2.0, jit=jit)
    if translation.returns == "grads_and_norm":
        out, norm = out
        np.testing.assert_allclose(float(norm), float(result), rtol=1e-5)
    clipped = flat(out)
    for name, p in tmodel.named_parameters():
        expected = p.grad.numpy().T if name.endswith("weight") else p.grad.numpy()
        np.testing.assert_allclose(clipped[name], expected, rtol=1e-5, atol=1e-7, err_msg=f"{source} {name}")


@pytest.mark.parametrize("source, reason", [
    ("torch.nn.utils.clip_grad_norm_(model.fc.parameters(), 1.0)", "submodule"),
    ("torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)", "jitted"),
    ("torch.nn.utils.clip_grad_norm_(params, 1.0)", "held in a variable"),
    ("torch.nn.utils.parametrize.register_parametrization(model, 'weight', p)", "not a gradient clipping"),
])
def test_unsupported_clipping_says_why(source, reason):
    with pytest.raises(Unsupported) as info:
        translate(source)
    assert reason in info.value.reason
