"""torch.optim.lr_scheduler -> the `LRScheduler` runtime helper driving a schedule of its own step count.

`translate_scheduler("torch.optim.lr_scheduler.StepLR", call.args, call.keywords)` gives
`LRScheduler(optimizer, lambda lr: optax.exponential_decay(lr, transition_steps=30, decay_rate=0.1,
staircase=True))`: the helper counts `scheduler.step()` calls, as torch does, and writes the schedule's value
for each parameter group (built from that group's initial learning rate) into the optimizer's injected
`learning_rate`. The optimizer must therefore be built with `translate_optimizer(..., inject_lr=True)`
(and `inject_momentum=True` when `SchedulerTranslation.inject_momentum`: OneCycleLR cycles the momentum).

Schedules are optax schedule constructors where those equal torch's value at every count (StepLR, MultiStepLR,
ExponentialLR, LinearLR, ConstantLR, PolynomialLR) and short helpers otherwise: CosineAnnealingLR keeps rising
past T_max in torch (optax's cosine decay stays at its floor), OneCycleLR has its own phase boundaries
(pct_start * total - 1), warm restarts and MultiplicativeLR are closed forms of torch's recursions.

The trade-off: the helper sets torch's closed-form value at each count. Torch's chainable schedulers update
the current lr recursively instead; the two agree unless other code (a manual write, ReduceLROnPlateau, a
second scheduler outside SequentialLR/ChainedScheduler) changes the learning rate between steps, which this
translation does not reproduce.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..registry import Unsupported
from .binding import Signature, bind, call, flag, fresh_name, is_literal, literal, names_in, short_api

SIGNATURES = {name: Signature.parse(text) for name, text in {
    "StepLR": "optimizer, step_size, gamma=0.1, last_epoch=-1",
    "MultiStepLR": "optimizer, milestones, gamma=0.1, last_epoch=-1",
    "ConstantLR": "optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1",
    "LinearLR": "optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1",
    "ExponentialLR": "optimizer, gamma, last_epoch=-1",
    "CosineAnnealingLR": "optimizer, T_max, eta_min=0.0, last_epoch=-1",
    "LambdaLR": "optimizer, lr_lambda, last_epoch=-1",
    "MultiplicativeLR": "optimizer, lr_lambda, last_epoch=-1",
    "OneCycleLR": "optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3, "
                  "anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, "
                  "div_factor=25.0, final_div_factor=10000.0, three_phase=False, last_epoch=-1",
    "CosineAnnealingWarmRestarts": "optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1",
    "PolynomialLR": "optimizer, total_iters=5, power=1.0, last_epoch=-1",
    "SequentialLR": "optimizer, schedulers, milestones, last_epoch=-1",
    "ChainedScheduler": "schedulers, optimizer=None",
    "ReduceLROnPlateau": "optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4, threshold_mode='rel', "
                         "cooldown=0, min_lr=0, eps=1e-8",
}.items()}

# Schedulers whose torch step() multiplies the current lr by a factor of their own count: the ones a
# ChainedScheduler composes as a product (others overwrite the lr, which a product does not reproduce).
MULTIPLICATIVE = ("StepLR", "MultiStepLR", "ExponentialLR", "LinearLR", "ConstantLR", "PolynomialLR",
                  "MultiplicativeLR")

NOT_COVERED = {
    "CyclicLR": "no translation rule yet (it also cycles the momentum by default)",
    "LRScheduler": "a custom scheduler subclass: its get_lr() is user code",
    "_LRScheduler": "a custom scheduler subclass: its get_lr() is user code",
}


@dataclass(frozen=True)
class SchedulerTranslation:
    """`expr` replaces the scheduler construction; `optimizer` is the optimizer expression it drives (build
    that optimizer with inject_lr=True, and inject_momentum=True when `inject_momentum`)."""

    expr: ast.expr
    optimizer: ast.expr | None
    helpers: frozenset[str] = field(default_factory=frozenset)
    inject_momentum: bool = False


def _substitute(template: str, **nodes: ast.expr | str) -> ast.expr:
    """Parse `template` and replace the upper-case placeholder names in it: an ast node replaces a Name, a
    string renames a Name or a lambda parameter. `_substitute("lambda LR: f(LR, X)", LR="lr", X=node)`."""

    class Fill(ast.NodeTransformer):
        def visit_Name(self, node):
            value = nodes.get(node.id)
            if value is None:
                return node
            return ast.Name(value, ast.Load()) if isinstance(value, str) else copy.deepcopy(value)

        def visit_arg(self, node):
            value = nodes.get(node.arg)
            return ast.arg(value) if isinstance(value, str) else node

    return ast.fix_missing_locations(Fill().visit(ast.parse(template, mode="eval"))).body


@dataclass
class _Schedule:
    """What one scheduler kind produces: the schedule factory (or one per group) and LRScheduler extras."""

    make: ast.expr | list[ast.expr]
    helpers: set[str] = field(default_factory=set)
    momentum: ast.expr | None = None


def _per_group(node: ast.expr, build) -> ast.expr | list[ast.expr]:
    """torch accepts one value or a list with one per group: build a factory for each element of a literal list."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return [build(element) for element in node.elts]
    return build(node)


def _omit(node: ast.expr, default) -> ast.expr | None:
    return None if is_literal(node, default) else node


def _lambda_lr(construct: str, hp: dict[str, ast.expr], lr: str) -> _Schedule:
    taken = names_in(*hp.values()) | {lr}

    def build(fn: ast.expr) -> ast.expr:
        if (isinstance(fn, ast.Lambda) and len(fn.args.args) == 1 and not fn.args.defaults
                and not fn.args.vararg and not fn.args.kwarg and not fn.args.kwonlyargs):
            return _substitute("lambda LR: lambda COUNT: LR * BODY", LR=lr, COUNT=fn.args.args[0].arg, BODY=fn.body)
        count = fresh_name(taken, "epoch", "step", "count")
        return _substitute("lambda LR: lambda COUNT: LR * FN(COUNT)", LR=lr, COUNT=count, FN=fn)

    return _Schedule(_per_group(hp["lr_lambda"], build))


def _one_cycle(construct: str, hp: dict[str, ast.expr], lr: str) -> _Schedule:
    total = hp["total_steps"]
    if literal(total) is None:
        if literal(hp["epochs"]) is None or literal(hp["steps_per_epoch"]) is None:
            raise Unsupported(construct, "needs total_steps or epochs and steps_per_epoch (torch raises)")
        total = ast.BinOp(hp["epochs"], ast.Mult(), hp["steps_per_epoch"])
    shape = dict(pct_start=_omit(hp["pct_start"], 0.3), anneal_strategy=_omit(hp["anneal_strategy"], "cos"))
    three = dict(three_phase=_omit(hp["three_phase"], False))

    def build(max_lr: ast.expr) -> ast.expr:
        schedule = call("one_cycle_schedule", max_lr, total, **shape, div_factor=_omit(hp["div_factor"], 25.0),
                        final_div_factor=_omit(hp["final_div_factor"], 1e4), **three)
        return _substitute("lambda LR: SCHEDULE", LR=lr, SCHEDULE=schedule)

    result = _Schedule(_per_group(hp["max_lr"], build), {"one_cycle_schedule"})
    if flag(construct, "cycle_momentum", hp["cycle_momentum"]):
        if any(isinstance(hp[k], (ast.List, ast.Tuple)) for k in ("base_momentum", "max_momentum")):
            raise Unsupported(construct, "per-group momentum bounds are not covered")
        result.momentum = call("one_cycle_momentum", total, base_momentum=_omit(hp["base_momentum"], 0.85),
                               max_momentum=_omit(hp["max_momentum"], 0.95), **shape, **three)
        result.helpers.add("one_cycle_momentum")
    return result


def _multistep(hp: dict[str, ast.expr], lr: str) -> ast.expr:
    milestones, gamma = hp["milestones"], hp["gamma"]
    values = literal(milestones)
    if isinstance(values, (list, tuple, set)) and all(isinstance(m, int) for m in values):
        counts = {m: list(values).count(m) for m in sorted(set(values))}
        scales = ast.Dict([ast.Constant(m) for m in counts],
                          [gamma if k == 1 else ast.BinOp(gamma, ast.Pow(), ast.Constant(k)) for k in counts.values()])
    else:  # torch counts a repeated milestone once per repetition
        scales = _substitute("{m: GAMMA ** list(MILESTONES).count(m) for m in MILESTONES}",
                             GAMMA=gamma, MILESTONES=milestones)
    return _substitute("lambda LR: optax.piecewise_constant_schedule(LR, SCALES)", LR=lr, SCALES=scales)


def _no_zero_gamma(construct: str, gamma: ast.expr) -> None:
    if is_literal(gamma, 0):
        raise Unsupported(construct, "gamma=0: optax.exponential_decay treats a zero rate as a constant schedule")


def _schedule(name: str, construct: str, hp: dict[str, ast.expr], lr: str) -> _Schedule:
    if name == "StepLR":
        _no_zero_gamma(construct, hp["gamma"])
        return _Schedule(_substitute(
            "lambda LR: optax.exponential_decay(LR, transition_steps=STEP, decay_rate=GAMMA, staircase=True)",
            LR=lr, STEP=hp["step_size"], GAMMA=hp["gamma"]))
    if name == "ExponentialLR":
        _no_zero_gamma(construct, hp["gamma"])
        return _Schedule(_substitute("lambda LR: optax.exponential_decay(LR, transition_steps=1, decay_rate=GAMMA)",
                                     LR=lr, GAMMA=hp["gamma"]))
    if name == "MultiStepLR":
        return _Schedule(_multistep(hp, lr))
    if name == "LinearLR":
        end = ast.Name(lr, ast.Load()) if is_literal(hp["end_factor"], 1.0) else \
            _substitute("LR * END", LR=lr, END=hp["end_factor"])
        return _Schedule(_substitute("lambda LR: optax.linear_schedule(LR * START, END_VALUE, transition_steps=T)",
                                     LR=lr, START=hp["start_factor"], END_VALUE=end, T=hp["total_iters"]))
    if name == "ConstantLR":
        return _Schedule(_substitute(
            "lambda LR: optax.join_schedules([optax.constant_schedule(LR * FACTOR), optax.constant_schedule(LR)], "
            "[T])", LR=lr, FACTOR=hp["factor"], T=hp["total_iters"]))
    if name == "PolynomialLR":
        return _Schedule(_substitute(
            "lambda LR: optax.polynomial_schedule(LR, end_value=0.0, power=POWER, transition_steps=T)",
            LR=lr, POWER=hp["power"], T=hp["total_iters"]))
    if name == "CosineAnnealingLR":
        return _Schedule(_substitute("lambda LR: SCHEDULE", LR=lr, SCHEDULE=call(
            "cosine_annealing_schedule", ast.Name(lr, ast.Load()), hp["T_max"],
            eta_min=_omit(hp["eta_min"], 0))), {"cosine_annealing_schedule"})
    if name == "CosineAnnealingWarmRestarts":
        return _Schedule(_substitute("lambda LR: SCHEDULE", LR=lr, SCHEDULE=call(
            "cosine_warm_restarts_schedule", ast.Name(lr, ast.Load()), hp["T_0"], T_mult=_omit(hp["T_mult"], 1),
            eta_min=_omit(hp["eta_min"], 0))), {"cosine_warm_restarts_schedule"})
    if name == "LambdaLR":
        return _lambda_lr(construct, hp, lr)
    if name == "MultiplicativeLR":
        return _Schedule(_per_group(hp["lr_lambda"], lambda fn: _substitute(
            "lambda LR: multiplicative_schedule(LR, FN)", LR=lr, FN=fn)), {"multiplicative_schedule"})
    if name == "OneCycleLR":
        return _one_cycle(construct, hp, lr)
    raise AssertionError(name)


def _check_members(construct: str, name: str, member_apis: Sequence[str] | None) -> None:
    for api in member_apis or ():
        member = short_api(api, "torch.optim.lr_scheduler")
        if member == "ReduceLROnPlateau":
            raise Unsupported(construct, "ReduceLROnPlateau cannot be a member (torch raises)")
        if name == "ChainedScheduler" and member not in MULTIPLICATIVE:
            raise Unsupported(construct, f"{member} overwrites the learning rate instead of scaling it, so its "
                                         f"place in the chain matters; only {', '.join(MULTIPLICATIVE)} are covered")
        if name == "SequentialLR" and member == "MultiplicativeLR":
            raise Unsupported(construct, "a MultiplicativeLR after a milestone continues from the current lr "
                                         "(it has no closed form), which is not covered")


def translate_scheduler(api: str, args: Sequence[ast.expr], keywords: Sequence[ast.keyword], *,
                        member_apis: Sequence[str] | None = None) -> SchedulerTranslation:
    """Translate `torch.optim.lr_scheduler.<Name>(optimizer, ...)` given the call's args and keywords.

    member_apis: for SequentialLR / ChainedScheduler, the torch APIs of the member schedulers when the caller
    knows them (it checks that the composition is exact). Raises Unsupported(construct, reason).

    Example: StepLR(optimizer, step_size=5, gamma=0.5) -> `LRScheduler(optimizer, lambda lr:
    optax.exponential_decay(lr, transition_steps=5, decay_rate=0.5, staircase=True))`.
    """
    name = short_api(api, "torch.optim.lr_scheduler")
    construct = f"torch.optim.lr_scheduler.{name}" if name else api
    if name in NOT_COVERED:
        raise Unsupported(construct, NOT_COVERED[name])
    if name not in SIGNATURES:
        raise Unsupported(construct, "not a torch.optim.lr_scheduler scheduler this translation knows")
    keywords = [k for k in keywords if k.arg != "verbose"]  # deprecated printing flag
    hp = bind(construct, SIGNATURES[name], args, keywords)
    if "last_epoch" in hp and not is_literal(hp["last_epoch"], -1):
        raise Unsupported(construct, "last_epoch= resumes a schedule from the optimizer's saved initial_lr, "
                                     "which the translation does not restore")
    optimizer = hp.get("optimizer")
    if name == "ReduceLROnPlateau":
        return SchedulerTranslation(call("ReduceLROnPlateau", *args, **{k.arg: k.value for k in keywords}),
                                    optimizer, frozenset({"ReduceLROnPlateau"}))
    if name == "SequentialLR":
        _check_members(construct, name, member_apis)
        return SchedulerTranslation(call("sequential_scheduler", optimizer, hp["schedulers"], hp["milestones"]),
                                    optimizer, frozenset({"sequential_scheduler"}))
    if name == "ChainedScheduler":
        _check_members(construct, name, member_apis)
        extra = {} if literal(optimizer) is None else {"optimizer": optimizer}
        return SchedulerTranslation(call("chained_scheduler", hp["schedulers"], **extra),
                                    None if literal(optimizer) is None else optimizer,
                                    frozenset({"chained_scheduler"}))
    lr = fresh_name(names_in(*hp.values()), "lr", "base_lr", "initial_lr")
    schedule = _schedule(name, construct, hp, lr)
    make = ast.List(schedule.make, ast.Load()) if isinstance(schedule.make, list) else schedule.make
    expr = call("LRScheduler", optimizer, make, momentum=schedule.momentum)
    return SchedulerTranslation(expr, optimizer, frozenset(schedule.helpers | {"LRScheduler"}),
                                schedule.momentum is not None)


def learning_rate_read(optimizer: ast.expr, group: ast.expr) -> tuple[ast.expr, frozenset[str]]:
    """`optimizer.param_groups[i]["lr"]` -> `learning_rates(optimizer)[i]` (needs an injected learning rate)."""
    return ast.Subscript(call("learning_rates", optimizer), group, ast.Load()), frozenset({"learning_rates"})


def learning_rate_write(optimizer: ast.expr, value: ast.expr,
                        group: ast.expr | None = None) -> tuple[ast.expr, frozenset[str]]:
    """`g["lr"] = v` for every group -> `set_learning_rate(optimizer, v)`; for group i -> `..., group=i)`."""
    return call("set_learning_rate", optimizer, value, group=group), frozenset({"set_learning_rate"})
