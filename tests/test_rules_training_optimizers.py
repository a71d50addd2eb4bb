"""torch.optim -> optax: every mapping is run against PyTorch step by step on the same weights and gradients.

One source line per case builds the torch optimizer (evaluated with torch) and is translated; the translation
is unparsed and evaluated in a namespace that holds only the pasted helpers, as a translated file would."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from t2j_rag.rules.registry import Unsupported
from t2j_rag.rules.training import translate_optimizer
from t2j_rag.rules.training.optimizers import SIGNATURES
from training_pairs import (HP, assert_same_params, nnx_grads, nnx_model, parse_call, random_grads, runtime_namespace,
                            torch_model)

torch = pytest.importorskip("torch")

CASES = [
    # SGD: the momentum buffer starts at the first gradient; dampening applies from the second step on.
    "torch.optim.SGD(model.parameters(), lr=0.1)",
    "torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)",
    "torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, dampening=0.3)",
    "torch.optim.SGD(model.parameters(), 0.1, 0.9, 0, 5e-3, True)",
    "torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.05, maximize=True)",
    "torch.optim.SGD(model.parameters(), lr=hp.lr, momentum=hp.momentum, weight_decay=hp.wd, maximize=hp.flag)",
    "torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, dampening=hp.momentum, foreach=False)",
    # Adam / AdamW: coupled L2 vs decoupled decay, eps outside the square root, AMSGrad's raw maximum.
    "torch.optim.Adam(model.parameters(), lr=0.01)",
    "torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)",
    "torch.optim.Adam(model.parameters(), lr=0.01, amsgrad=True)",
    "torch.optim.Adam(model.parameters(), lr=0.01, amsgrad=True, weight_decay=0.1, maximize=True)",
    "torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)",
    "torch.optim.Adam(model.parameters(), lr=0.01, betas=hp.betas, fused=None, capturable=False)",
    "torch.optim.AdamW(model.parameters(), lr=0.01)",
    "torch.optim.AdamW(model.parameters(), lr=0.01, weight_decay=0)",
    "torch.optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.1, amsgrad=True)",
    "torch.optim.AdamW(model.parameters(), lr=0.01, maximize=True)",
    # RMSprop: eps outside the square root, centered variance, momentum applied before the learning rate.
    "torch.optim.RMSprop(model.parameters(), lr=0.01)",
    "torch.optim.RMSprop(model.parameters(), lr=0.01, alpha=0.9, centered=True)",
    "torch.optim.RMSprop(model.parameters(), lr=0.01, momentum=0.9, weight_decay=0.1)",
    "torch.optim.RMSprop(model.parameters(), lr=0.01, momentum=0.5, centered=True, eps=1e-4, maximize=True)",
    # Adagrad: initial accumulator, eps outside the square root, lr_decay.
    "torch.optim.Adagrad(model.parameters(), lr=0.1)",
    "torch.optim.Adagrad(model.parameters(), lr=0.1, lr_decay=0.05, initial_accumulator_value=0.5, eps=1e-3)",
    "torch.optim.Adagrad(model.parameters(), lr=0.1, weight_decay=0.1)",
    "torch.optim.Adadelta(model.parameters())",
    "torch.optim.Adadelta(model.parameters(), lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1, maximize=True)",
    "torch.optim.Adamax(model.parameters(), lr=0.01)",
    "torch.optim.Adamax(model.parameters(), lr=0.01, betas=(0.8, 0.9), weight_decay=0.1)",
    # NAdam's momentum schedule, RAdam's rectification (rho_t > 5 from step 6 on).
    "torch.optim.NAdam(model.parameters(), lr=0.01)",
    "torch.optim.NAdam(model.parameters(), lr=0.01, weight_decay=0.1, momentum_decay=0.01)",
    "torch.optim.NAdam(model.parameters(), lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)",
    "torch.optim.RAdam(model.parameters(), lr=0.01)",
    "torch.optim.RAdam(model.parameters(), lr=0.01, betas=(0.9, 0.99), weight_decay=0.1)",
    "torch.optim.RAdam(model.parameters(), lr=0.05, betas=(0.9, 0.99999))",
    "torch.optim.RAdam(model.parameters(), lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)",
    # Which parameters: wrappers of model.parameters(), a submodule, parameter groups.
    "torch.optim.SGD(list(model.parameters()), lr=0.1)",
    "torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1)",
    "torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.01)",
    "torch.optim.SGD(model.head.parameters(), lr=0.1, momentum=0.9)",
    "torch.optim.Adam(list(model.backbone.parameters()) + list(model.head.parameters()), lr=0.01)",
    "torch.optim.SGD([{'params': model.backbone.parameters(), 'lr': 0.01},"
    " {'params': model.head.parameters(), 'weight_decay': 0.0}], lr=0.1, momentum=0.9, weight_decay=0.05)",
    "torch.optim.AdamW([{'params': model.backbone.parameters(), 'betas': (0.5, 0.9), 'name': 'body'},"
    " {'params': model.head.parameters(), 'lr': 0.1, 'amsgrad': True}], lr=0.01)",
    "torch.optim.Adam([{'params': model.head.parameters(), 'weight_decay': 0.1}], lr=0.01)",
]


def run_pair(source: str, steps: int = 8, seed: int = 0, **inject):
    tmodel = torch_model(seed)
    model = nnx_model(tmodel)
    api, node = parse_call(source)
    topt = eval(source, {"torch": torch, "model": tmodel, "hp": HP})
    translation = translate_optimizer(api, node.args, node.keywords, **inject)
    code = ast.unparse(translation.optimizer_call())
    optimizer = eval(code, runtime_namespace(translation.helpers, model=model, hp=HP))
    rng = np.random.default_rng(seed)
    for step in range(steps):
        grads = random_grads(tmodel, rng)
        for name, p in tmodel.named_parameters():
            p.grad = torch.tensor(grads[name])
        topt.step()
        optimizer.update(model, nnx_grads(model, grads))
        assert_same_params(model, tmodel, context=f"{code}, step {step + 1}")
    return translation, code


@pytest.mark.parametrize("source", CASES)
def test_optimizer_matches_torch_step_by_step(source):
    run_pair(source)


@pytest.mark.parametrize("source", [
    "torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.05)",
    "torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=0.1)",
    "torch.optim.AdamW(model.parameters(), lr=0.01, amsgrad=True)",
    "torch.optim.RMSprop(model.parameters(), lr=0.01, momentum=0.9)",
    "torch.optim.Adagrad(model.parameters(), lr=0.1, lr_decay=0.05)",
    "torch.optim.Adadelta(model.parameters(), weight_decay=0.1)",
    "torch.optim.NAdam(model.parameters(), lr=0.01)",
    "torch.optim.RAdam(model.parameters(), lr=0.01)",
    "torch.optim.SGD([{'params': model.backbone.parameters(), 'lr': 0.01}, {'params': model.head.parameters()}], "
    "lr=1)",
])
def test_injected_learning_rate_is_the_same_update(source):
    translation, code = run_pair(source, steps=6, inject_lr=True)
    assert translation.inject_lr and "inject_hyperparams" in code


@pytest.mark.parametrize("source", [
    "torch.optim.SGD(model.parameters(), lr=0.1)",
    "torch.optim.Adam(model.parameters(), lr=0.01, amsgrad=True)",
    "torch.optim.RAdam(model.parameters(), lr=0.01)",
    "torch.optim.RMSprop(model.parameters(), lr=0.01, momentum=0.5)",
])
def test_injected_momentum_is_the_same_update(source):
    translation, code = run_pair(source, steps=6, inject_momentum=True)
    assert translation.inject_lr and translation.inject_momentum


def test_readable_output_for_the_common_cases():
    def tx(source, **kw):
        api, node = parse_call(source)
        return ast.unparse(translate_optimizer(api, node.args, node.keywords, **kw).optimizer_call())

    assert tx("torch.optim.Adam(model.parameters(), lr=1e-3)") == \
        "nnx.Optimizer(model, optax.adam(0.001), wrt=nnx.Param)"
    assert tx("torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)") == \
        "nnx.Optimizer(model, optax.chain(optax.add_decayed_weights(0.0005), optax.sgd(0.1, momentum=0.9)), " \
        "wrt=nnx.Param)"
    assert tx("torch.optim.AdamW(model.parameters(), lr=1e-3)", inject_lr=True) == \
        "nnx.Optimizer(model, optax.inject_hyperparams(optax.adamw)(learning_rate=0.001, weight_decay=0.01), " \
        "wrt=nnx.Param)"
    assert tx("torch.optim.SGD(model.fc.parameters(), lr=1)", inject_lr=True) == \
        "nnx.Optimizer(model, optax.inject_hyperparams(optax.sgd)(learning_rate=1.0), wrt=params_of(model, model.fc))"
    assert tx("torch.optim.Adam(self.model.fc.parameters())").endswith("wrt=params_of(self.model, self.model.fc))")


def test_group_labels_line_up_with_the_optimizer_state():
    from flax import nnx

    tmodel = torch_model()
    model = nnx_model(tmodel)
    api, node = parse_call("torch.optim.SGD([{'params': model.head.parameters()}, "
                           "{'params': model.backbone.parameters(), 'lr': 0.5}], lr=0.1)")
    translation = translate_optimizer(api, node.args, node.keywords, inject_lr=True)
    ns = runtime_namespace(translation.helpers | {"learning_rates"}, model=model)
    optimizer = eval(ast.unparse(translation.optimizer_call()), ns)
    labels = ns["param_group_labels"](model, [model.head, model.backbone])(nnx.state(model, nnx.Param))
    assert labels["head"]["kernel"] == 0 and labels["backbone"]["bias"] == 1
    assert ns["learning_rates"](optimizer) == [pytest.approx(0.1), pytest.approx(0.5)]


UNSUPPORTED = [
    ("torch.optim.LBFGS(model.parameters())", "line search"),
    ("torch.optim.SparseAdam(model.parameters())", "sparse"),
    ("torch.optim.ASGD(model.parameters())", "no optax counterpart"),
    ("torch.optim.Rprop(model.parameters())", "not checked"),
    ("torch.optim.Adafactor(model.parameters())", "differs from optax.adafactor"),
    ("torch.optim.SGD(list(G.parameters()) + list(D.parameters()), lr=0.1)", "several models"),
    ("torch.optim.SGD(params, lr=0.1)", "held in a variable"),
    ("torch.optim.SGD([p for n, p in model.named_parameters() if 'bias' in n], lr=0.1)", "cannot tell"),
    ("torch.optim.SGD(model.named_parameters(), lr=0.1)", "by name"),
    ("torch.optim.SGD(model.parameters(recurse=False), lr=0.1)", "recurse=False"),
    ("torch.optim.SGD([{'params': model.parameters()}, {'params': model.head.parameters()}], lr=0.1)",
     "two groups"),
    ("torch.optim.SGD([{**base, 'params': model.parameters()}], lr=0.1)", "unpacking"),
    ("torch.optim.Adam(model.parameters(), amsgrad=args.amsgrad)", "literal True or False"),
    ("torch.optim.RMSprop(model.parameters(), centered=cfg.centered)", "literal True or False"),
    ("torch.optim.SGD(model.parameters(), **opt_kwargs)", "**kwargs"),
    ("torch.optim.SGD(model.parameters(), lr=0.1, betas=(0.9, 0.99))", "unknown argument betas="),
    ("torch.optim.Adam()", "missing required argument params"),
]


@pytest.mark.parametrize("source, reason", UNSUPPORTED)
def test_unsupported_optimizers_say_why(source, reason):
    api, node = parse_call(source)
    with pytest.raises(Unsupported) as info:
        translate_optimizer(api, node.args, node.keywords)
    assert reason in info.value.reason


@pytest.mark.parametrize("source, inject, reason", [
    ("torch.optim.Adagrad(model.parameters())", {"inject_momentum": True}, "torch raises"),
    ("torch.optim.SGD(model.parameters(), momentum=0.9, dampening=0.1)", {"inject_momentum": True}, "dampening"),
])
def test_unsupported_momentum_cycling_says_why(source, inject, reason):
    api, node = parse_call(source)
    with pytest.raises(Unsupported) as info:
        translate_optimizer(api, node.args, node.keywords, **inject)
    assert reason in info.value.reason


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signatures_match_torch(name):
    """The hand-written signatures bind arguments exactly as PyTorch's constructors do."""
    import inspect

    params = list(inspect.signature(getattr(torch.optim, name).__init__).parameters.values())[1:]
    ours = SIGNATURES[name]
    assert [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD] == list(ours.positional)
    assert [p.name for p in params if p.kind == p.KEYWORD_ONLY] == list(ours.keyword_only)
    for p in params:
        if p.default is not p.empty:
            assert ast.literal_eval(ours.defaults[p.name]) == p.default, p.name
