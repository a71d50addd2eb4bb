"""torch.optim.lr_scheduler -> LRScheduler: learning-rate sequences compared with torch's get_last_lr() and the
optimizer's param_groups over 35+ steps, with one and two parameter groups; OneCycleLR's momentum;
ReduceLROnPlateau on scripted metrics; optimizer and scheduler stepping together, parameters compared."""

from __future__ import annotations

import ast
import math

import numpy as np
import pytest

from t2j_rag.rules.registry import Unsupported
from t2j_rag.rules.training import translate_optimizer
from t2j_rag.rules.training.schedulers import (SIGNATURES, learning_rate_read, learning_rate_write,
                                               translate_scheduler)
from training_pairs import (assert_same_params, nnx_grads, nnx_model, parse_call, random_grads, runtime_namespace,
                            torch_model)

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

ONE_GROUP = "torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)"
TWO_GROUPS = ("torch.optim.SGD([{'params': model.backbone.parameters()}, {'params': model.head.parameters(), "
              "'lr': 0.02}], lr=0.1, momentum=0.9)")
LR_SCHEDULER = "torch.optim.lr_scheduler"


class Pair:
    """The same program run with torch and translated: `opt = <optimizer>` then the scheduler statements."""

    def __init__(self, program: str, optimizer: str = ONE_GROUP):
        self.tmodel = torch_model()
        self.model = nnx_model(self.tmodel)
        self.torch_ns = {"torch": torch, "model": self.tmodel, "math": math}
        exec(f"opt = {optimizer}\n{program}", self.torch_ns)
        lines, helpers, momentum = [], {"learning_rates", "group_hyperparams"}, False
        for stmt in ast.parse(program).body:
            node = stmt.value
            translation = translate_scheduler(ast.unparse(node.func), node.args, node.keywords)
            lines.append(f"{ast.unparse(stmt.targets[0])} = {ast.unparse(translation.expr)}")
            helpers |= translation.helpers
            momentum |= translation.inject_momentum
            self.name = ast.unparse(stmt.targets[0])
        api, call = parse_call(optimizer)
        opt = translate_optimizer(api, call.args, call.keywords, inject_lr=True, inject_momentum=momentum)
        self.ns = runtime_namespace(helpers | opt.helpers, model=self.model, math=math)
        self.code = "\n".join([f"opt = {ast.unparse(opt.optimizer_call())}"] + lines)
        exec(self.code, self.ns)

    def step(self, *metric):
        self.torch_ns[self.name].step(*metric)
        self.ns[self.name].step(*metric)

    def check(self, context=""):
        topt, opt = self.torch_ns["opt"], self.ns["opt"]
        expected = [g["lr"] for g in topt.param_groups]
        message = f"{self.code}\n{context}"
        np.testing.assert_allclose(self.ns[self.name].get_last_lr(), self.torch_ns[self.name].get_last_lr(),
                                   rtol=2e-6, atol=1e-12, err_msg=message)
        np.testing.assert_allclose(self.ns["learning_rates"](opt), expected, rtol=2e-6, atol=1e-12, err_msg=message)

    def check_momentum(self, context=""):
        topt = self.torch_ns["opt"]
        expected = [g["betas"][0] if "betas" in g else g["momentum"] for g in topt.param_groups]
        found = [next(float(h[k][...]) for h in hps for k in ("momentum", "b1", "decay") if k in h)
                 for hps in self.ns["group_hyperparams"](self.ns["opt"])]
        np.testing.assert_allclose(found, expected, rtol=1e-6, err_msg=f"{self.code}\n{context}")


PROGRAMS = [
    f"sched = {LR_SCHEDULER}.StepLR(opt, step_size=5, gamma=0.5)",
    f"sched = {LR_SCHEDULER}.MultiStepLR(opt, milestones=[3, 8, 8, 20], gamma=0.5)",
    f"sched = {LR_SCHEDULER}.ExponentialLR(opt, gamma=0.9)",
    f"sched = {LR_SCHEDULER}.CosineAnnealingLR(opt, T_max=10, eta_min=0.001)",
    f"sched = {LR_SCHEDULER}.CosineAnnealingLR(opt, 7)",
    f"sched = {LR_SCHEDULER}.LinearLR(opt, start_factor=0.1, total_iters=6)",
    f"sched = {LR_SCHEDULER}.LinearLR(opt, start_factor=0.5, end_factor=0.1, total_iters=10)",
    f"sched = {LR_SCHEDULER}.ConstantLR(opt)",
    f"sched = {LR_SCHEDULER}.ConstantLR(opt, factor=0.5, total_iters=8)",
    f"sched = {LR_SCHEDULER}.LambdaLR(opt, lambda epoch: 0.95 ** epoch)",
    f"sched = {LR_SCHEDULER}.LambdaLR(opt, lr_lambda=lambda lr: min(1.0, (lr + 1) / 5))",
    f"sched = {LR_SCHEDULER}.MultiplicativeLR(opt, lr_lambda=lambda e: 0.95 if e % 2 else 0.9)",
    f"sched = {LR_SCHEDULER}.OneCycleLR(opt, max_lr=0.5, total_steps=35)",
    f"sched = {LR_SCHEDULER}.OneCycleLR(opt, 0.5, epochs=5, steps_per_epoch=7, pct_start=0.25, "
    "anneal_strategy='linear', three_phase=True, div_factor=10.0, final_div_factor=100.0, base_momentum=0.8)",
    f"sched = {LR_SCHEDULER}.OneCycleLR(opt, max_lr=0.3, total_steps=36, pct_start=0.4, three_phase=True, "
    "cycle_momentum=False)",
    f"sched = {LR_SCHEDULER}.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=2, eta_min=0.01)",
    f"sched = {LR_SCHEDULER}.CosineAnnealingWarmRestarts(opt, 6)",
    f"sched = {LR_SCHEDULER}.PolynomialLR(opt, total_iters=20, power=2.0)",
    f"sched = {LR_SCHEDULER}.PolynomialLR(opt)",
    f"warmup = {LR_SCHEDULER}.LinearLR(opt, start_factor=0.1, total_iters=5)\n"
    f"decay = {LR_SCHEDULER}.CosineAnnealingLR(opt, T_max=20)\n"
    f"sched = {LR_SCHEDULER}.SequentialLR(opt, schedulers=[warmup, decay], milestones=[5])",
    f"a = {LR_SCHEDULER}.ConstantLR(opt, factor=0.2, total_iters=10)\n"
    f"b = {LR_SCHEDULER}.ExponentialLR(opt, gamma=0.8)\n"
    f"c = {LR_SCHEDULER}.StepLR(opt, 3, 0.5)\n"
    f"sched = {LR_SCHEDULER}.SequentialLR(opt, [a, b, c], [4, 12])",
    f"s1 = {LR_SCHEDULER}.ExponentialLR(opt, 0.9)\n"
    f"s2 = {LR_SCHEDULER}.LinearLR(opt, start_factor=0.2, total_iters=5)\n"
    f"sched = {LR_SCHEDULER}.ChainedScheduler([s1, s2])",
    f"s1 = {LR_SCHEDULER}.StepLR(opt, 4, gamma=0.5)\n"
    f"s2 = {LR_SCHEDULER}.MultiStepLR(opt, [10, 15], gamma=0.3)\n"
    f"s3 = {LR_SCHEDULER}.ConstantLR(opt, factor=0.5, total_iters=3)\n"
    f"sched = {LR_SCHEDULER}.ChainedScheduler([s1, s2, s3], optimizer=opt)",
]


@pytest.mark.parametrize("optimizer", [ONE_GROUP, TWO_GROUPS], ids=["one group", "two groups"])
@pytest.mark.parametrize("program", PROGRAMS)
def test_learning_rates_match_torch(program, optimizer):
    pair = Pair(program, optimizer)
    pair.check("after construction")
    for step in range(36 if "OneCycleLR" not in program else 35):
        pair.step()
        pair.check(f"step {step + 1}")
        if "OneCycleLR" in program and "cycle_momentum=False" not in program:
            pair.check_momentum(f"step {step + 1}")


@pytest.mark.parametrize("program", [
    f"sched = {LR_SCHEDULER}.OneCycleLR(opt, max_lr=[0.5, 0.05], total_steps=40, cycle_momentum=False)",
    f"sched = {LR_SCHEDULER}.LambdaLR(opt, [lambda e: 0.9 ** e, lambda e: 1.0 / (e + 1)])",
    f"sched = {LR_SCHEDULER}.MultiplicativeLR(opt, [lambda e: 0.9, lambda e: 0.99])",
])
def test_per_group_schedules(program):
    pair = Pair(program, TWO_GROUPS)
    for step in range(40):
        pair.step()
        pair.check(f"step {step + 1}")


def test_warm_restarts_with_fractional_epochs():
    """CosineAnnealingWarmRestarts.step(epoch + i / iters), the documented per-batch form."""
    pair = Pair(f"sched = {LR_SCHEDULER}.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)")
    for epoch in range(12):
        for i in range(4):
            pair.step(epoch + i / 4)
            pair.check(f"epoch {epoch + i / 4}")


PLATEAU = ["patience=2, factor=0.5",
           "'min', factor=0.5, patience=1, cooldown=2, min_lr=0.01, threshold=0.05",
           "mode='max', factor=0.3, patience=0, threshold_mode='abs', threshold=0.02, eps=1e-3"]


@pytest.mark.parametrize("arguments, optimizer",
                         [(a, o) for a in PLATEAU for o in (ONE_GROUP, TWO_GROUPS)]
                         + [("mode='max', patience=1, min_lr=[0.02, 0.005], threshold_mode='rel'", TWO_GROUPS)])
def test_reduce_on_plateau_follows_torch(arguments, optimizer):
    pair = Pair(f"sched = {LR_SCHEDULER}.ReduceLROnPlateau(opt, {arguments})", optimizer)
    metrics = [1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.89, 0.9, 0.9, 0.95, 1.2, 0.5, 0.5, 0.5, 0.49, 0.5, 0.5,
               0.5, 0.6, 0.7, 0.69, 0.7, 0.7, 0.7, 0.7, 0.3, 0.3, 0.3, 0.3, 0.3, 0.2, 0.2]
    for step, metric in enumerate(metrics):
        pair.step(np.float32(metric) if step % 2 else metric)
        pair.check(f"epoch {step + 1}, metric {metric}")


@pytest.mark.parametrize("optimizer, program", [
    ("torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)",
     f"sched = {LR_SCHEDULER}.OneCycleLR(opt, max_lr=0.5, total_steps=12)"),
    ("torch.optim.SGD(model.parameters(), lr=0.1)", f"sched = {LR_SCHEDULER}.OneCycleLR(opt, 0.5, total_steps=12)"),
    ("torch.optim.Adam(model.parameters(), lr=0.01)",
     f"sched = {LR_SCHEDULER}.OneCycleLR(opt, max_lr=0.05, total_steps=12, three_phase=True)"),
    ("torch.optim.AdamW(model.parameters(), lr=0.01, amsgrad=True)",
     f"sched = {LR_SCHEDULER}.OneCycleLR(opt, max_lr=0.05, total_steps=12, anneal_strategy='linear')"),
    ("torch.optim.RMSprop(model.parameters(), lr=0.01, momentum=0.5)",
     f"sched = {LR_SCHEDULER}.OneCycleLR(opt, max_lr=0.02, total_steps=12)"),
    ("torch.optim.NAdam(model.parameters(), lr=0.01)",
     f"sched = {LR_SCHEDULER}.OneCycleLR(opt, max_lr=0.02, total_steps=12)"),
    (TWO_GROUPS, f"sched = {LR_SCHEDULER}.StepLR(opt, 3, gamma=0.5)"),
    ("torch.optim.AdamW([{'params': model.backbone.parameters()}, {'params': model.head.parameters(), 'lr': 0.1}],"
     " lr=0.01)", f"sched = {LR_SCHEDULER}.CosineAnnealingLR(opt, T_max=5)"),
    ("torch.optim.Adagrad(model.parameters(), lr=0.1, lr_decay=0.1)",
     f"sched = {LR_SCHEDULER}.ExponentialLR(opt, 0.8)"),
    ("torch.optim.RAdam(model.parameters(), lr=0.01)", f"sched = {LR_SCHEDULER}.LinearLR(opt, 0.25, total_iters=4)"),
])
def test_optimizer_and_scheduler_train_the_same(optimizer, program):
    pair = Pair(program, optimizer)
    rng = np.random.default_rng(1)
    for step in range(12):
        grads = random_grads(pair.tmodel, rng)
        for name, p in pair.tmodel.named_parameters():
            p.grad = torch.tensor(grads[name])
        pair.torch_ns["opt"].step()
        pair.ns["opt"].update(pair.model, nnx_grads(pair.model, grads))
        pair.step()
        assert_same_params(pair.model, pair.tmodel, context=f"{pair.code}\nstep {step + 1}")


def test_param_group_reads_and_writes():
    pair = Pair(f"sched = {LR_SCHEDULER}.StepLR(opt, 2)", TWO_GROUPS)
    read, helpers = learning_rate_read(ast.Name("opt", ast.Load()), ast.Constant(1))
    assert ast.unparse(read) == "learning_rates(opt)[1]" and helpers == {"learning_rates"}
    write, helpers = learning_rate_write(ast.Name("opt", ast.Load()), ast.Constant(0.5), ast.Constant(0))
    assert ast.unparse(write) == "set_learning_rate(opt, 0.5, group=0)"
    ns = runtime_namespace(helpers | {"learning_rates"}, opt=pair.ns["opt"])
    exec(ast.unparse(write), ns)
    assert eval(ast.unparse(read), ns) == pytest.approx(0.02)
    assert ns["learning_rates"](pair.ns["opt"]) == [pytest.approx(0.5), pytest.approx(0.02)]


def test_optimizer_without_injection_is_reported_at_run_time():
    ns = runtime_namespace({"LRScheduler"}, model=nnx_model(torch_model()))
    opt = eval("nnx.Optimizer(model, optax.sgd(0.1), wrt=nnx.Param)", ns)
    with pytest.raises(ValueError, match="inject_hyperparams"):
        ns["LRScheduler"](opt, lambda lr: optax_constant(lr))


def optax_constant(lr):
    return lambda count: lr


@pytest.mark.parametrize("source, reason", [
    (f"{LR_SCHEDULER}.CyclicLR(opt, 0.01, 0.1)", "no translation rule"),
    (f"{LR_SCHEDULER}.StepLR(opt, 5, last_epoch=10)", "last_epoch"),
    (f"{LR_SCHEDULER}.StepLR(opt, 5, gamma=0)", "gamma=0"),
    (f"{LR_SCHEDULER}.OneCycleLR(opt, 0.1)", "total_steps"),
    (f"{LR_SCHEDULER}.OneCycleLR(opt, 0.1, 100, cycle_momentum=cfg.cycle)", "literal True or False"),
    (f"{LR_SCHEDULER}.OneCycleLR(opt, 0.1, 100, base_momentum=[0.8, 0.85])", "per-group momentum"),
    (f"{LR_SCHEDULER}.StepLR(opt)", "missing required argument step_size"),
    (f"{LR_SCHEDULER}.ExponentialLR(opt, **cfg)", "**kwargs"),
    (f"{LR_SCHEDULER}.LRScheduler(opt)", "custom scheduler"),
])
def test_unsupported_schedulers_say_why(source, reason):
    api, node = parse_call(source)
    with pytest.raises(Unsupported) as info:
        translate_scheduler(api, node.args, node.keywords)
    assert reason in info.value.reason


@pytest.mark.parametrize("source, members, reason", [
    (f"{LR_SCHEDULER}.ChainedScheduler([a, b])", [f"{LR_SCHEDULER}.StepLR", f"{LR_SCHEDULER}.CosineAnnealingLR"],
     "overwrites the learning rate"),
    (f"{LR_SCHEDULER}.SequentialLR(opt, [a, b], [3])", [f"{LR_SCHEDULER}.LinearLR", f"{LR_SCHEDULER}.MultiplicativeLR"],
     "MultiplicativeLR after a milestone"),
    (f"{LR_SCHEDULER}.SequentialLR(opt, [a, b], [3])",
     [f"{LR_SCHEDULER}.LinearLR", f"{LR_SCHEDULER}.ReduceLROnPlateau"],
     "torch raises"),
])
def test_unsupported_compositions_say_why(source, members, reason):
    api, node = parse_call(source)
    with pytest.raises(Unsupported) as info:
        translate_scheduler(api, node.args, node.keywords, member_apis=members)
    assert reason in info.value.reason


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signatures_match_torch(name):
    import inspect

    params = list(inspect.signature(getattr(torch.optim.lr_scheduler, name).__init__).parameters.values())[1:]
    ours = SIGNATURES[name]
    assert [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD] == list(ours.positional)
    for p in params:
        if p.default is not p.empty:
            assert eval(ast.unparse(ours.defaults[p.name])) == p.default, p.name
