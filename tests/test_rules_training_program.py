"""The translated pieces together, as a translated program uses them: a jitted train step with nnx.value_and_grad,
clipping and optimizer.update, parameter groups, a scheduler stepped once per epoch on the host. Trained
side by side with the PyTorch loop on the same data; the step compiles once however the learning rate moves."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from t2j_rag.rules.training import translate_clipping, translate_optimizer, translate_scheduler
from training_pairs import assert_same_params, nnx_model, parse_call, runtime_namespace, torch_model

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

OPTIMIZER = ("torch.optim.AdamW([{'params': model.backbone.parameters(), 'lr': 1e-2}, "
             "{'params': model.head.parameters(), 'weight_decay': 0.0}], lr=5e-3, weight_decay=0.05, amsgrad=True)")
SCHEDULER = "torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=[0.02, 0.01], epochs=4, steps_per_epoch=4)"
CLIP = "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)"

JAX_PROGRAM = """
optimizer = {optimizer}
scheduler = {scheduler}
traces = []


@nnx.jit
def train_step(model, optimizer, xb, yb):
    traces.append(1)

    def loss_fn(model):
        return ((model(xb) - yb) ** 2).mean()

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    grads, norm = {clip}
    optimizer.update(model, grads)
    return loss, norm
"""


def test_translated_training_loop_matches_torch():
    tmodel = torch_model(1)
    model = nnx_model(tmodel)
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((64, 4)).astype(np.float32), rng.standard_normal((64, 3)).astype(np.float32)

    tns = {"torch": torch, "model": tmodel}
    exec(f"optimizer = {OPTIMIZER}\nscheduler = {SCHEDULER}", tns)
    topt, tsched = tns["optimizer"], tns["scheduler"]

    sched_api, sched_call = parse_call(SCHEDULER)
    scheduler = translate_scheduler(sched_api, sched_call.args, sched_call.keywords)
    opt_api, opt_call = parse_call(OPTIMIZER)
    optimizer = translate_optimizer(opt_api, opt_call.args, opt_call.keywords, inject_lr=True,
                                    inject_momentum=scheduler.inject_momentum)
    clip_api, clip_call = parse_call(CLIP)
    clip = translate_clipping(clip_api, clip_call.args, clip_call.keywords, ast.Name("grads", ast.Load()))
    assert clip.returns == "grads_and_norm"
    ns = runtime_namespace(optimizer.helpers | scheduler.helpers | clip.helpers, model=model)
    exec(JAX_PROGRAM.format(optimizer=ast.unparse(optimizer.optimizer_call()), scheduler=ast.unparse(scheduler.expr),
                            clip=ast.unparse(clip.expr)), ns)

    for epoch in range(4):
        for i in range(0, 64, 16):
            xb, yb = X[i:i + 16], Y[i:i + 16]
            topt.zero_grad()
            loss = ((tmodel(torch.tensor(xb)) - torch.tensor(yb)) ** 2).mean()
            loss.backward()
            tnorm = torch.nn.utils.clip_grad_norm_(tmodel.parameters(), max_norm=0.5)
            topt.step()
            tsched.step()
            jloss, jnorm = ns["train_step"](model, ns["optimizer"], xb, yb)
            ns["scheduler"].step()
            np.testing.assert_allclose(float(jloss), loss.item(), rtol=1e-5)
            np.testing.assert_allclose(float(jnorm), tnorm.item(), rtol=1e-5)
        assert_same_params(model, tmodel, rtol=1e-4, atol=1e-6, context=f"epoch {epoch}")
        np.testing.assert_allclose(ns["scheduler"].get_last_lr(), tsched.get_last_lr(), rtol=2e-6)
    assert len(ns["traces"]) == 1
