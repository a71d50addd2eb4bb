"""torch.optim optimizers -> optax transformations with the same mathematics, for `nnx.Optimizer`.

`translate_optimizer("torch.optim.Adam", call.args, call.keywords)` binds the call to PyTorch's signature
and returns the pieces of `nnx.Optimizer(model, tx, wrt=...)`. Where optax has the same update (SGD without
dampening, Adam, AdamW, Adadelta, Adamax) the alias is used; where it differs (AMSGrad's maximum, Adagrad's
epsilon, NAdam's momentum schedule, RAdam's epsilon and threshold, SGD's dampening, RMSprop's momentum
applied before the learning rate) the update is composed from exact optax pieces or from a short
`scale_by_torch_*` helper (`helpers.py`). Options PyTorch applies to the gradient first (`maximize`, L2
`weight_decay`) become `optax.scale(-1.0)` / `optax.add_decayed_weights` at the front of an `optax.chain`;
decoupled decay (AdamW) sits after the scaling, where optax.adamw puts it. `foreach`, `fused`, `capturable`
and `differentiable` only choose PyTorch kernels and are dropped.

The trade-off: the output names the optimizer the way a JAX engineer would write it (`optax.adam(1e-3)`),
at the cost of a chain when PyTorch's options add terms; anything with no exact counterpart raises
`Unsupported(construct, reason)` instead of emitting something close. The learning rate is injected
(`optax.inject_hyperparams`) only when asked, because only a scheduler or an explicit write needs it.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..registry import Unsupported
from .binding import (MISSING, Signature, as_float, bind, call, constant, dotted_name, flag, is_literal, literal,
                      short_api)
from .parameters import param_groups

SIGNATURES = {name: Signature.parse(text) for name, text in {
    "SGD": "params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False, "
           "foreach=None, differentiable=False, fused=None",
    "Adam": "params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, foreach=None, "
            "maximize=False, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False",
    "AdamW": "params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *, maximize=False, "
             "foreach=None, capturable=False, differentiable=False, fused=None",
    "RMSprop": "params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, "
               "capturable=False, foreach=None, maximize=False, differentiable=False",
    "Adagrad": "params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, "
               "foreach=None, *, maximize=False, differentiable=False, fused=None",
    "Adadelta": "params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False, "
                "maximize=False, differentiable=False",
    "Adamax": "params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *, maximize=False, "
              "differentiable=False, capturable=False",
    "NAdam": "params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3, "
             "decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False, differentiable=False",
    "RAdam": "params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False, *, "
             "foreach=None, maximize=False, capturable=False, differentiable=False",
}.items()}

# Options that only pick PyTorch kernels (the update is the same): dropped.
PERFORMANCE_FLAGS = ("foreach", "fused", "capturable", "differentiable")

NOT_COVERED = {
    "SparseAdam": "updates moments only where a sparse gradient has entries; JAX gradients are dense",
    "LBFGS": "step(closure) re-evaluates the loss inside a strong-Wolfe line search; optax.lbfgs's line search "
             "and history handling differ",
    "ASGD": "averaged SGD with eta/mu decay has no optax counterpart and no helper yet",
    "Rprop": "optax.scale_by_rprop is not checked against torch's step-size bounds and sign rule yet",
    "Adafactor": "torch's Adafactor (beta2 decay -0.8, relative step, no momentum) differs from optax.adafactor",
    "Muon": "torch's Muon (Newton-Schulz orthogonalisation of 2-D parameters only, Adam-free) is not checked "
            "against optax.contrib.muon",
    "Optimizer": "a custom torch.optim.Optimizer subclass: its step() is user code",
}


@dataclass(frozen=True)
class OptimizerTranslation:
    """The pieces of `nnx.Optimizer(model, tx, wrt=wrt)` for one torch optimizer construction.

    `helpers` are runtime helper names (`pasting.helper_source`) the expressions use; `inject_lr` /
    `inject_momentum` say which hyperparameters can be set at run time (LRScheduler, set_learning_rate,
    OneCycleLR's momentum cycling); `groups` is the number of torch param groups (multi_transform labels 0..n-1)."""

    model: ast.expr
    tx: ast.expr
    wrt: ast.expr
    helpers: frozenset[str] = field(default_factory=frozenset)
    inject_lr: bool = False
    inject_momentum: bool = False
    groups: int = 1

    def optimizer_call(self) -> ast.Call:
        """`nnx.Optimizer(model, tx, wrt=wrt)`."""
        return call("nnx.Optimizer", self.model, self.tx, wrt=self.wrt)


@dataclass
class _Build:
    """What one group's builder needs: the construct (for messages), injection flags, helpers used so far."""

    construct: str
    inject_lr: bool
    inject_momentum: bool
    helpers: set[str]

    def alias(self, name: str, lr: ast.expr, **keywords: ast.expr | None) -> ast.expr:
        """`optax.<name>(lr, ...)`, or `optax.inject_hyperparams(optax.<name>)(learning_rate=lr, ...)`."""
        if self.inject_lr:
            factory = call("optax.inject_hyperparams", dotted_name(f"optax.{name}"))
            return call(factory, learning_rate=as_float(lr), **keywords)
        return call(f"optax.{name}", lr, **keywords)

    def lr_scale(self, lr: ast.expr) -> ast.expr:
        """The final `-lr` scaling of a composed update."""
        if self.inject_lr:
            return call(call("optax.inject_hyperparams", dotted_name("optax.scale_by_learning_rate")),
                        learning_rate=as_float(lr))
        return call("optax.scale_by_learning_rate", lr)

    def helper(self, name: str, momentum: str | None, *static: str, **keywords: ast.expr | None) -> ast.expr:
        """A `scale_by_torch_*` helper call; with momentum injection, its `momentum` argument (b1) is injected
        and the others stay Python floats (their float32 rounding would move RAdam's threshold)."""
        self.helpers.add(name)
        if self.inject_momentum and momentum is not None:
            keywords[momentum] = as_float(keywords[momentum]) if keywords.get(momentum) is not None else None
            factory = call("optax.inject_hyperparams", dotted_name(name),
                           static_args=ast.Tuple([ast.Constant(s) for s in static], ast.Load()))
            return call(factory, **keywords)
        return call(name, **keywords)

    def no_momentum(self, what: str) -> None:
        if self.inject_momentum:
            raise Unsupported(self.construct, f"OneCycleLR(cycle_momentum=True) needs a momentum to cycle; {what}")


def _differs(node: ast.expr, default) -> ast.expr | None:
    """The node, or None when it is a literal equal to the target's own default (so it can be omitted)."""
    return None if is_literal(node, default) else node


def _betas(node: ast.expr) -> tuple[ast.expr, ast.expr]:
    if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) == 2:
        return node.elts[0], node.elts[1]
    return (ast.Subscript(node, ast.Constant(0), ast.Load()), ast.Subscript(node, ast.Constant(1), ast.Load()))


def _decay(hp: dict[str, ast.expr]) -> list[ast.expr]:
    """PyTorch's L2 weight decay, added to the gradient before anything else (after maximize)."""
    wd = hp["weight_decay"]
    return [] if is_literal(wd, 0) else [call("optax.add_decayed_weights", wd)]


def _sgd(b: _Build, hp: dict[str, ast.expr]) -> list[ast.expr]:
    lr, momentum, dampening, nesterov = hp["lr"], hp["momentum"], hp["dampening"], hp["nesterov"]
    nesterov_kw = None if is_literal(nesterov, False) else nesterov
    if is_literal(momentum, 0) and not b.inject_momentum:
        return _decay(hp) + [b.alias("sgd", lr)]
    if is_literal(dampening, 0):
        # optax.trace starts from zeros, so its first step is the gradient itself, as torch's buffer is.
        return _decay(hp) + [b.alias("sgd", lr, momentum=as_float(momentum), nesterov=nesterov_kw)]
    if b.inject_momentum:
        raise Unsupported(b.construct, "OneCycleLR momentum cycling with SGD dampening is not covered")
    b.helpers.add("trace_with_dampening")
    return _decay(hp) + [call("trace_with_dampening", momentum, dampening, nesterov=nesterov_kw), b.lr_scale(lr)]


def _adam(b: _Build, hp: dict[str, ast.expr], decoupled: bool) -> list[ast.expr]:
    lr, eps, wd = hp["lr"], hp["eps"], hp["weight_decay"]
    b1, b2 = _betas(hp["betas"])
    no_decay = is_literal(wd, 0)
    moments = dict(b1=_differs(b1, 0.9), b2=_differs(b2, 0.999), eps=_differs(eps, 1e-8))
    if flag(b.construct, "amsgrad", hp["amsgrad"]):
        scale = b.helper("scale_by_torch_amsgrad", "b1", "b2", "eps",
                         **{**moments, "b1": b1 if b.inject_momentum else moments["b1"]})
        decay = [call("optax.add_decayed_weights", wd)] if decoupled and not no_decay else []
        return ([] if decoupled else _decay(hp)) + [scale] + decay + [b.lr_scale(lr)]
    if decoupled and not no_decay:
        return [b.alias("adamw", lr, **moments, weight_decay=wd)]
    return ([] if decoupled else _decay(hp)) + [b.alias("adam", lr, **moments)]


def _adam_family(b: _Build, hp: dict[str, ast.expr], helper: str, **extra: ast.expr | None) -> list[ast.expr]:
    """NAdam / RAdam: a torch-exact scaling helper, L2 or decoupled decay, then the learning rate."""
    b1, b2 = _betas(hp["betas"])
    decoupled = flag(b.construct, "decoupled_weight_decay", hp["decoupled_weight_decay"])
    keywords = dict(b1=b1 if b.inject_momentum else _differs(b1, 0.9), b2=_differs(b2, 0.999),
                    eps=_differs(hp["eps"], 1e-8), **extra)
    scale = b.helper(helper, "b1", "b2", "eps", *extra, **keywords)
    wd = hp["weight_decay"]
    decay = [call("optax.add_decayed_weights", wd)] if decoupled and not is_literal(wd, 0) else []
    return ([] if decoupled else _decay(hp)) + [scale] + decay + [b.lr_scale(hp["lr"])]


def _rmsprop(b: _Build, hp: dict[str, ast.expr]) -> list[ast.expr]:
    # optax.rmsprop scales by the learning rate before its momentum trace; torch accumulates g / avg and
    # multiplies by the current lr afterwards, which differs as soon as a scheduler changes lr.
    centered = flag(b.construct, "centered", hp["centered"])
    scale = call("optax.scale_by_stddev" if centered else "optax.scale_by_rms", decay=hp["alpha"],
                 eps=_differs(hp["eps"], 1e-8), eps_in_sqrt=ast.Constant(False))
    momentum = hp["momentum"]
    trace: list[ast.expr] = []
    if b.inject_momentum:
        trace = [call(call("optax.inject_hyperparams", dotted_name("optax.trace")), decay=as_float(momentum))]
    elif not is_literal(momentum, 0):
        trace = [call("optax.trace", decay=momentum)]
    return _decay(hp) + [scale] + trace + [b.lr_scale(hp["lr"])]


def _adagrad(b: _Build, hp: dict[str, ast.expr]) -> list[ast.expr]:
    b.no_momentum("torch's Adagrad has none (torch raises)")
    scale = b.helper("scale_by_torch_adagrad", None,
                     initial_accumulator_value=_differs(hp["initial_accumulator_value"], 0.0),
                     eps=_differs(hp["eps"], 1e-10))
    lr_decay = hp["lr_decay"]
    decay_steps: list[ast.expr] = []
    if not is_literal(lr_decay, 0):
        # torch: clr = lr / (1 + (step - 1) * lr_decay); optax's count is step - 1.
        body = ast.BinOp(ast.Constant(1), ast.Div(), ast.BinOp(ast.Constant(1), ast.Add(),
                         ast.BinOp(ast.Name("count", ast.Load()), ast.Mult(), lr_decay)))
        decay_steps = [call("optax.scale_by_schedule", _lambda("count", body))]
    return _decay(hp) + [scale] + decay_steps + [b.lr_scale(hp["lr"])]


def _adadelta(b: _Build, hp: dict[str, ast.expr]) -> list[ast.expr]:
    b.no_momentum("torch's Adadelta has none (torch raises)")
    return [b.alias("adadelta", hp["lr"], rho=_differs(hp["rho"], 0.9), eps=_differs(hp["eps"], 1e-6),
                    weight_decay=_differs(hp["weight_decay"], 0))]


def _adamax(b: _Build, hp: dict[str, ast.expr]) -> list[ast.expr]:
    b1, b2 = _betas(hp["betas"])
    return _decay(hp) + [b.alias("adamax", hp["lr"], b1=b1 if b.inject_momentum else _differs(b1, 0.9),
                                 b2=_differs(b2, 0.999), eps=_differs(hp["eps"], 1e-8))]


def _lambda(param: str, body: ast.expr) -> ast.Lambda:
    args = ast.arguments(posonlyargs=[], args=[ast.arg(param)], kwonlyargs=[], kw_defaults=[], defaults=[])
    return ast.Lambda(args, body)


BUILDERS = {
    "SGD": _sgd,
    "Adam": lambda b, hp: _adam(b, hp, flag(b.construct, "decoupled_weight_decay", hp["decoupled_weight_decay"])),
    "AdamW": lambda b, hp: _adam(b, hp, True),
    "RMSprop": _rmsprop,
    "Adagrad": _adagrad,
    "Adadelta": _adadelta,
    "Adamax": _adamax,
    "NAdam": lambda b, hp: _adam_family(b, hp, "scale_by_torch_nadam",
                                        momentum_decay=_differs(hp["momentum_decay"], 4e-3)),
    "RAdam": lambda b, hp: _adam_family(b, hp, "scale_by_torch_radam"),
}


def _maximize(node: ast.expr) -> list[ast.expr]:
    """torch negates the gradient before weight decay and everything else."""
    value = literal(node)
    if value is MISSING:
        return [call("optax.scale", ast.IfExp(node, ast.Constant(-1.0), ast.Constant(1.0)))]
    return [call("optax.scale", ast.Constant(-1.0))] if value else []


def _chain(parts: list[ast.expr]) -> ast.expr:
    return parts[0] if len(parts) == 1 else call("optax.chain", *parts)


def translate_optimizer(api: str, args: Sequence[ast.expr], keywords: Sequence[ast.keyword], *,
                        inject_lr: bool = False, inject_momentum: bool = False,
                        model: ast.expr | None = None) -> OptimizerTranslation:
    """Translate `torch.optim.<Name>(params, ...)` given the call's positional args and keywords.

    inject_lr: build with optax.inject_hyperparams so a scheduler or `set_learning_rate` can change the lr.
    inject_momentum: also make SGD's momentum / Adam's beta1 settable (OneCycleLR with cycle_momentum); implies
    inject_lr. model: the module nnx.Optimizer wraps, when it is not the root of the params' attribute chain.
    Raises Unsupported(construct, reason) when there is no exact translation.

    Example: torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4) ->
    model=`model`, tx=`optax.chain(optax.add_decayed_weights(0.0005), optax.sgd(0.1, momentum=0.9))`,
    wrt=`nnx.Param`.
    """
    name = short_api(api, "torch.optim")
    construct = f"torch.optim.{name}" if name else api
    if name in NOT_COVERED:
        raise Unsupported(construct, NOT_COVERED[name])
    if name not in SIGNATURES:
        raise Unsupported(construct, "not a torch.optim optimizer this translation knows")
    signature = SIGNATURES[name]
    bound = bind(construct, signature, args, keywords)
    hyper = tuple(n for n in signature.names if n != "params" and n not in PERFORMANCE_FLAGS)
    groups = param_groups(construct, bound["params"], hyper, model)
    build = _Build(construct, inject_lr or inject_momentum, inject_momentum, set())
    txs = []
    for group in groups:
        hp = {n: group.overrides.get(n, bound[n]) for n in hyper}
        txs.append(_chain(_maximize(hp["maximize"]) + BUILDERS[name](build, hp)))
    root = groups[0].selection.model
    helpers = set(build.helpers)
    modules = [m for g in groups for m in (g.selection.modules or ())]
    if len(groups) == 1:
        tx = txs[0]
    else:
        helpers.add("param_group_labels")
        members = [g.selection.modules[0] if len(g.selection.modules) == 1
                   else ast.List(list(g.selection.modules), ast.Load()) for g in groups]
        labels = call("param_group_labels", root, ast.List(members, ast.Load()))
        tx = call("optax.multi_transform", ast.Dict([constant(i) for i in range(len(txs))], txs), labels)
    if modules:
        helpers.add("params_of")
        wrt = call("params_of", root, *modules)
    else:
        wrt = dotted_name("nnx.Param")
    return OptimizerTranslation(root, tx, wrt, frozenset(helpers), build.inject_lr, inject_momentum, len(groups))
