"""Runtime helpers pasted into translated training programs: torch.optim's exact update rules where optax's
differ, parameter selection for nnx.Optimizer, learning-rate schedulers, and gradient clipping.

Each top-level definition here is pasted verbatim into a translation that uses it (`pasting.helper_source`),
so it may use only this module's imports and the other helpers, never t2j_rag itself. The optax
transformations reproduce PyTorch's arithmetic (where epsilon sits, when bias correction applies, what the
first step does) because a translated program must train the same way, not merely a similar way.

The trade-off: schedulers run on the host in Python, once per `step()`, and write the learning rate into the
optimizer state built by `optax.inject_hyperparams`; that keeps PyTorch's "count my own step() calls"
semantics exactly (an epoch scheduler next to a per-batch optimizer) at the price of a host-side write per
scheduler step, which is negligible next to a training step.
"""

import bisect
import dataclasses
import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx


# --- torch.optim update rules that optax computes differently -------------------------------------------------

def one_minus_power(b, count):
    """1 - b**count without first rounding b to float32 (1 - float32(0.999) is off by 1e-5 relative)."""
    log_b = math.log(b) if isinstance(b, (int, float)) else jnp.log(b)
    return -jnp.expm1(count * log_b)


class DampedTraceState(NamedTuple):
    """State of `trace_with_dampening`: steps taken and the momentum buffer."""

    count: Any
    trace: Any


def trace_with_dampening(momentum, dampening, nesterov=False):
    """torch.optim.SGD's momentum buffer: the first step stores the gradient itself, later steps compute
    momentum * buf + (1 - dampening) * g (optax.trace has no dampening)."""

    def init_fn(params):
        return DampedTraceState(jnp.zeros([], jnp.int32), jax.tree.map(jnp.zeros_like, params))

    def update_fn(updates, state, params=None):
        trace = jax.tree.map(lambda g, t: jnp.where(state.count == 0, g, momentum * t + (1 - dampening) * g),
                             updates, state.trace)
        out = jax.tree.map(lambda g, t: g + momentum * t, updates, trace) if nesterov else trace
        return out, DampedTraceState(state.count + 1, trace)

    return optax.GradientTransformation(init_fn, update_fn)


def scale_by_torch_amsgrad(b1=0.9, b2=0.999, eps=1e-8):
    """Adam with AMSGrad as torch.optim.Adam(amsgrad=True) computes it: the running maximum is kept of the raw
    second moment and bias-corrected afterwards (optax.scale_by_amsgrad keeps it of the corrected moment)."""

    def init_fn(params):
        zeros = lambda: jax.tree.map(jnp.zeros_like, params)  # noqa: E731
        return optax.ScaleByAmsgradState(jnp.zeros([], jnp.int32), zeros(), zeros(), zeros())

    def update_fn(updates, state, params=None):
        count = state.count + 1
        mu = jax.tree.map(lambda g, m: b1 * m + (1 - b1) * g, updates, state.mu)
        nu = jax.tree.map(lambda g, v: b2 * v + (1 - b2) * g * g, updates, state.nu)
        nu_max = jax.tree.map(jnp.maximum, state.nu_max, nu)
        c1, c2 = one_minus_power(b1, count), one_minus_power(b2, count)
        out = jax.tree.map(lambda m, v: (m / c1) / (jnp.sqrt(v) / jnp.sqrt(c2) + eps), mu, nu_max)
        return out, optax.ScaleByAmsgradState(count, mu, nu, nu_max)

    return optax.GradientTransformation(init_fn, update_fn)


def scale_by_torch_adagrad(initial_accumulator_value=0.0, eps=1e-10):
    """torch.optim.Adagrad's scaling g / (sqrt(sum of g**2) + eps), eps outside the square root
    (optax.scale_by_rss puts it inside)."""

    def init_fn(params):
        return optax.ScaleByRssState(jax.tree.map(lambda p: jnp.full_like(p, initial_accumulator_value), params))

    def update_fn(updates, state, params=None):
        total = jax.tree.map(lambda g, s: s + g * g, updates, state.sum_of_squares)
        out = jax.tree.map(lambda g, s: g / (jnp.sqrt(s) + eps), updates, total)
        return out, optax.ScaleByRssState(total)

    return optax.GradientTransformation(init_fn, update_fn)


class TorchNadamState(NamedTuple):
    """State of `scale_by_torch_nadam`: steps taken, the product of momentum coefficients, both moments."""

    count: Any
    mu_product: Any
    mu: Any
    nu: Any


def scale_by_torch_nadam(b1=0.9, b2=0.999, eps=1e-8, momentum_decay=4e-3):
    """torch.optim.NAdam's scaling, with its momentum schedule mu_t = b1 (1 - 0.5 * 0.96 ** (t * momentum_decay))
    (optax.nadam has no momentum schedule)."""

    def init_fn(params):
        zeros = lambda: jax.tree.map(jnp.zeros_like, params)  # noqa: E731
        return TorchNadamState(jnp.zeros([], jnp.int32), jnp.ones([], jnp.float32), zeros(), zeros())

    def update_fn(updates, state, params=None):
        count = state.count + 1
        t = count.astype(jnp.float32)
        mu_t = b1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = state.mu_product * mu_t
        m = jax.tree.map(lambda g, m: b1 * m + (1 - b1) * g, updates, state.mu)
        v = jax.tree.map(lambda g, v: b2 * v + (1 - b2) * g * g, updates, state.nu)
        c2 = one_minus_power(b2, count)
        out = jax.tree.map(
            lambda g, m, v: ((1 - mu_t) / (1 - mu_product) * g + mu_next / (1 - mu_product * mu_next) * m)
            / (jnp.sqrt(v / c2) + eps), updates, m, v)
        return out, TorchNadamState(count, mu_product, m, v)

    return optax.GradientTransformation(init_fn, update_fn)


def radam_rho(count, b2):
    """RAdam's rho_t = rho_inf - 2 t b2**t / (1 - b2**t) for a Python float b2, without float32 cancellation:
    with L = -log(b2) and x = t L it is (rho_inf - 2 / L) + (2 / L) (1 - x / expm1(x)), the constant computed in
    double and 1 - x / expm1(x) by its Bernoulli series for small x (the naive form is off by 1e-4 near 5)."""
    L = -math.log(b2)
    x = count * L
    series = x / 2 - x ** 2 / 12 + x ** 4 / 720 - x ** 6 / 30240 + x ** 8 / 1209600
    small = jnp.where(x < 0.5, series, 1 - x / jnp.expm1(x))
    return (2 / (1 - b2) - 1 - 2 / L) + (2 / L) * small


def scale_by_torch_radam(b1=0.9, b2=0.999, eps=1e-8):
    """torch.optim.RAdam's scaling: the rectified step when rho_t > 5, else plain momentum; eps is added to
    sqrt(v) before bias correction (optax.scale_by_radam adds it after, and switches at rho_t >= 5)."""
    rho_inf = 2 / (1 - b2) - 1

    def init_fn(params):
        zeros = lambda: jax.tree.map(jnp.zeros_like, params)  # noqa: E731
        return optax.ScaleByAdamState(jnp.zeros([], jnp.int32), zeros(), zeros())

    def update_fn(updates, state, params=None):
        count = state.count + 1
        mu = jax.tree.map(lambda g, m: b1 * m + (1 - b1) * g, updates, state.mu)
        nu = jax.tree.map(lambda g, v: b2 * v + (1 - b2) * g * g, updates, state.nu)
        c1, c2 = one_minus_power(b1, count), one_minus_power(b2, count)
        rho_t = radam_rho(count, b2)
        ratio = (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        rect = jnp.sqrt(jnp.maximum(ratio, 0.0))
        out = jax.tree.map(
            lambda m, v: jnp.where(rho_t > 5, (m / c1) * rect * jnp.sqrt(c2) / (jnp.sqrt(v) + eps), m / c1), mu, nu)
        return out, optax.ScaleByAdamState(count, mu, nu)

    return optax.GradientTransformation(init_fn, update_fn)


# --- which parameters an optimizer trains ---------------------------------------------------------------------

def submodule_param_paths(model, submodule):
    """Paths (in `model`) of the nnx.Param variables inside `submodule`, found by identity, so the paths are
    right however containers are laid out (`model.head.layers[0]` -> ('head', 'layers', 0, ...))."""
    prefix = next((path for path, node in nnx.iter_graph(model) if node is submodule), None)
    if prefix is None:
        raise ValueError(f"{type(submodule).__name__} is not a submodule of {type(model).__name__}")
    paths = [tuple(path) for path, _ in nnx.to_flat_state(nnx.state(model, nnx.Param))]
    return [p for p in paths if p[:len(prefix)] == tuple(prefix)]


@dataclasses.dataclass(frozen=True)
class ParamPathFilter:
    """An nnx filter that selects the variables at the given paths (hashable, so nnx.jit can cache on it)."""

    paths: frozenset

    def __call__(self, path, value):
        return tuple(path) in self.paths


def params_of(model, *submodules):
    """nnx.Optimizer's `wrt` for `torch.optim.X(model.fc.parameters())`: only these submodules' parameters.
    Example: nnx.Optimizer(model, optax.sgd(0.1), wrt=params_of(model, model.fc))."""
    return ParamPathFilter(frozenset(p for m in submodules for p in submodule_param_paths(model, m)))


def param_group_labels(model, groups):
    """optax.multi_transform labels for torch parameter groups: the index of the group holding each parameter.
    `groups` lists, per torch param group, the module (or list of modules) whose parameters it holds.
    Example: param_group_labels(model, [model.backbone, model.head]) labels backbone params 0, head params 1."""
    label = {}
    for i, group in enumerate(groups):
        for module in group if isinstance(group, (list, tuple)) else [group]:
            for path in submodule_param_paths(model, module):
                if path in label:
                    raise ValueError(f"parameter {'.'.join(map(str, path))} appears in more than one group")
                label[path] = i

    def key_name(key):
        return key.key if hasattr(key, "key") else key.idx if hasattr(key, "idx") else key.name

    def labels(tree):
        return jax.tree_util.tree_map_with_path(lambda kp, _: label[tuple(key_name(k) for k in kp)], tree,
                                                is_leaf=lambda x: isinstance(x, nnx.Variable))

    return labels


# --- reading and writing injected hyperparameters --------------------------------------------------------------

def group_hyperparams(optimizer):
    """Per parameter group (the keys of a top-level optax.multi_transform, else one group), the dicts of
    hyperparameters that optax.inject_hyperparams put in that group's state, outermost first."""

    def find(state):
        if hasattr(state, "hyperparams") and hasattr(state, "inner_state"):
            return [state.hyperparams] + find(state.inner_state)
        if isinstance(state, dict):
            return [h for k in sorted(state) for h in find(state[k])]
        if isinstance(state, (tuple, list)):
            return [h for s in state for h in find(s)]
        return []

    state = optimizer.opt_state
    groups = [state.inner_states[k] for k in sorted(state.inner_states)] if hasattr(state, "inner_states") else [state]
    return [find(group) for group in groups]


def set_hyperparam(optimizer, names, value, group=None):
    """Write `value` into the first injected hyperparameter called one of `names` in each group (or one group)."""
    for i, found in enumerate(group_hyperparams(optimizer)):
        if group is not None and i != group:
            continue
        hp = next((h for h in found if any(n in h for n in names)), None)
        if hp is None:
            raise ValueError(f"parameter group {i} has no injected {' or '.join(names)}: build the optimizer with "
                             f"optax.inject_hyperparams")
        variable = hp[next(n for n in names if n in hp)]
        variable.set_value(jnp.asarray(value, dtype=jnp.promote_types(variable.get_value().dtype, jnp.float32)))


def host_float(x):
    """A learning rate as a Python float; a float32 one as the shortest float that rounds to it, so 0.1 stored
    in float32 reads 0.1 as in PyTorch (not 0.10000000149011612)."""
    x = np.asarray(x)
    return float(str(x)) if x.dtype == np.float32 else float(x)


def learning_rates(optimizer):
    """`[g["lr"] for g in optimizer.param_groups]`: each group's current learning rate as a float."""
    rates = []
    for i, found in enumerate(group_hyperparams(optimizer)):
        hp = next((h for h in found if "learning_rate" in h), None)
        if hp is None:
            raise ValueError(f"parameter group {i} has no injected learning_rate: build the optimizer with "
                             f"optax.inject_hyperparams")
        rates.append(host_float(hp["learning_rate"].get_value()))
    return rates


def set_learning_rate(optimizer, lr, group=None):
    """`g["lr"] = lr` for every parameter group, or for group `group` only."""
    set_hyperparam(optimizer, ("learning_rate",), lr, group)


def set_momentum(optimizer, momentum, group=None):
    """`g["momentum"] = m` (SGD; RMSprop's is its injected optax.trace decay) or `g["betas"] = (m, b2)` (Adam
    family) for every group, or for group `group` only."""
    set_hyperparam(optimizer, ("momentum", "b1", "decay"), momentum, group)


# --- learning-rate schedules and schedulers ---------------------------------------------------------------------

def cosine_annealing_schedule(lr, T_max, eta_min=0.0):
    """CosineAnnealingLR: eta_min + (lr - eta_min) (1 + cos(pi t / T_max)) / 2 for every t, so past T_max it
    rises again like torch's scheduler (optax.cosine_decay_schedule stays at its floor)."""
    return lambda count: eta_min + (lr - eta_min) * (1 + math.cos(math.pi * count / T_max)) / 2


def cosine_warm_restarts_schedule(lr, T_0, T_mult=1, eta_min=0.0):
    """CosineAnnealingWarmRestarts: cosine annealing restarted after T_0, T_0 T_mult, ... steps. An integer
    count walks the cycles like torch's step(); a float count (step(epoch)) uses torch's closed form."""

    def schedule(count):
        T_i, T_cur = T_0, count
        if isinstance(count, float) and count >= T_0 and T_mult != 1:
            n = int(math.log(count / T_0 * (T_mult - 1) + 1, T_mult))
            T_cur, T_i = count - T_0 * (T_mult ** n - 1) / (T_mult - 1), T_0 * T_mult ** n
        elif T_mult == 1:
            T_cur = count % T_0
        else:
            while T_cur >= T_i:
                T_cur, T_i = T_cur - T_i, T_i * T_mult
        return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2

    return schedule


def one_cycle_interpolate(count, total_steps, pct_start, three_phase, anneal_strategy, start, peak, end):
    """OneCycleLR's phases at torch's step boundaries (pct_start * total - 1, ...): start -> peak -> end, or with
    three_phase start -> peak -> start -> end; cosine or linear annealing inside each phase."""
    if count > total_steps:
        raise ValueError(f"Tried to step {count} times. The specified number of total steps is {total_steps}")
    if three_phase:
        phases = [(float(pct_start * total_steps) - 1, start, peak),
                  (float(2 * pct_start * total_steps) - 2, peak, start), (total_steps - 1, start, end)]
    else:
        phases = [(float(pct_start * total_steps) - 1, start, peak), (total_steps - 1, peak, end)]
    begin = 0.0
    for i, (end_step, a, b) in enumerate(phases):
        if count <= end_step or i == len(phases) - 1:
            pct = (count - begin) / (end_step - begin)
            if anneal_strategy == "cos":
                return b + (a - b) / 2.0 * (math.cos(math.pi * pct) + 1)
            return (b - a) * pct + a
        begin = end_step


def one_cycle_schedule(max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                       final_div_factor=1e4, three_phase=False):
    """OneCycleLR's learning rate: from max_lr / div_factor up to max_lr, then down to that / final_div_factor."""
    initial = max_lr / div_factor
    return lambda count: one_cycle_interpolate(count, total_steps, pct_start, three_phase, anneal_strategy,
                                               initial, max_lr, initial / final_div_factor)


def one_cycle_momentum(total_steps, base_momentum=0.85, max_momentum=0.95, pct_start=0.3, anneal_strategy="cos",
                       three_phase=False):
    """OneCycleLR's momentum (SGD momentum, or Adam's beta1): max -> base -> max, opposite to the learning rate."""
    return lambda count: one_cycle_interpolate(count, total_steps, pct_start, three_phase, anneal_strategy,
                                               max_momentum, base_momentum, max_momentum)


def multiplicative_schedule(lr, lr_lambda):
    """MultiplicativeLR: lr * lr_lambda(1) * ... * lr_lambda(t), multiplied in torch's order."""

    def schedule(count):
        value = lr
        for k in range(1, int(count) + 1):
            value = value * lr_lambda(k)
        return value

    return schedule


class LRScheduler:
    """torch.optim.lr_scheduler semantics on an nnx.Optimizer built with optax.inject_hyperparams: counts its own
    step() calls and writes schedule(count) into each parameter group's learning rate.

    `schedule` maps a group's initial learning rate to a schedule of the count (`lambda lr:
    optax.exponential_decay(lr, 30, 0.1, staircase=True)`), or is a list of those, one per group; `momentum`,
    if given, is a schedule of the count for SGD's momentum / Adam's beta1 (OneCycleLR)."""

    def __init__(self, optimizer, schedule, momentum=None, base_lrs=None):
        self.optimizer = optimizer
        self.base_lrs = list(base_lrs) if base_lrs is not None else learning_rates(optimizer)
        n = len(self.base_lrs)
        self.make_schedules = list(schedule) if isinstance(schedule, (list, tuple)) else [schedule] * n
        if len(self.make_schedules) != n:
            raise ValueError(f"expected {n} schedules, one per parameter group, got {len(self.make_schedules)}")
        self.schedules = [make(lr) for make, lr in zip(self.make_schedules, self.base_lrs)]
        self.momentum_schedule = momentum
        self.last_epoch = 0
        self._apply()

    def step(self, epoch=None):
        """Advance one step (or jump to `epoch`, torch's deprecated form) and set the learning rates."""
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        self._apply()

    def _apply(self):
        count = self.last_epoch
        self._last_lr = [host_float(schedule(count)) for schedule in self.schedules]
        for i, lr in enumerate(self._last_lr):
            set_learning_rate(self.optimizer, lr, group=i)
        if self.momentum_schedule is not None:
            set_momentum(self.optimizer, host_float(self.momentum_schedule(count)))

    def get_last_lr(self):
        """The learning rate of each group after the last step(), like torch's get_last_lr()."""
        return list(self._last_lr)

    def state_dict(self):
        return {"last_epoch": self.last_epoch, "base_lrs": list(self.base_lrs), "_last_lr": list(self._last_lr)}

    def load_state_dict(self, state):
        self.last_epoch, self.base_lrs = state["last_epoch"], list(state["base_lrs"])
        self._last_lr = list(state["_last_lr"])
        self.schedules = [make(lr) for make, lr in zip(self.make_schedules, self.base_lrs)]


def sequential_scheduler(optimizer, schedulers, milestones):
    """SequentialLR: scheduler i runs from milestone i-1 on, counting from 0 again, all from the first
    scheduler's initial learning rates (torch resets the groups to their initial_lr)."""
    base_lrs = schedulers[0].base_lrs

    def make_joined(i):
        def make(lr):
            parts = [s.make_schedules[i](lr) for s in schedulers]

            def schedule(count):
                k = bisect.bisect_right(milestones, count)
                return parts[k](count - (milestones[k - 1] if k else 0))

            return schedule

        return make

    return LRScheduler(optimizer, [make_joined(i) for i in range(len(base_lrs))], base_lrs=base_lrs)


def chained_scheduler(schedulers, optimizer=None):
    """ChainedScheduler of schedulers that each multiply the learning rate by a factor of their own count
    (StepLR, MultiStepLR, ExponentialLR, LinearLR, ConstantLR, PolynomialLR, MultiplicativeLR): the product of
    their factors times the initial learning rate, as torch's successive multiplications give."""
    first = schedulers[0]

    def make_product(i):
        def make(lr):
            factors = [s.make_schedules[i](1.0) for s in schedulers]
            return lambda count: lr * math.prod(float(f(count)) for f in factors)

        return make

    return LRScheduler(optimizer or first.optimizer, [make_product(i) for i in range(len(first.base_lrs))],
                       base_lrs=first.base_lrs)


class ReduceLROnPlateau:
    """torch.optim.lr_scheduler.ReduceLROnPlateau on an nnx.Optimizer built with optax.inject_hyperparams:
    step(metric) multiplies every group's learning rate by `factor` after `patience` epochs without improvement."""

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0, eps=1e-8):
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        if mode not in ("min", "max") or threshold_mode not in ("rel", "abs"):
            raise ValueError(f"unknown mode {mode!r} or threshold_mode {threshold_mode!r}")
        self.optimizer, self.mode, self.factor, self.patience = optimizer, mode, factor, patience
        self.threshold, self.threshold_mode, self.cooldown, self.eps = threshold, threshold_mode, cooldown, eps
        n = len(learning_rates(optimizer))
        self.min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * n
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = self.cooldown_counter = self.last_epoch = 0
        self._last_lr = learning_rates(optimizer)

    def is_better(self, a, best):
        if self.threshold_mode == "rel":
            return a < best * (1 - self.threshold) if self.mode == "min" else a > best * (1 + self.threshold)
        return a < best - self.threshold if self.mode == "min" else a > best + self.threshold

    def step(self, metrics):
        """Record one epoch's metric; reduce the learning rates when it has not improved for `patience` epochs."""
        current = float(metrics)
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for i, old in enumerate(learning_rates(self.optimizer)):
                new = max(old * self.factor, self.min_lrs[i])
                if old - new > self.eps:
                    set_learning_rate(self.optimizer, new, group=i)
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = learning_rates(self.optimizer)

    def get_last_lr(self):
        return list(self._last_lr)


# --- gradient clipping ----------------------------------------------------------------------------------------

def grad_total_norm(grads, norm_type=2.0):
    """torch.nn.utils.get_total_norm: the norm_type-norm of the per-array norm_type-norms (inf: the max abs)."""
    leaves = jax.tree.leaves(grads)
    if not leaves:
        return jnp.zeros([])
    norm_type = float(norm_type)
    norms = jnp.stack([jnp.linalg.norm(g.ravel(), ord=norm_type) for g in leaves])
    return jnp.linalg.norm(norms, ord=norm_type)


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    """torch.nn.utils.clip_grad_norm_ on a gradient pytree: scales every gradient by
    min(1, max_norm / (total_norm + 1e-6)); returns (clipped grads, total norm before clipping)."""
    total = grad_total_norm(grads, norm_type)
    coef = jnp.minimum(max_norm / (total + 1e-6), 1.0)
    return jax.tree.map(lambda g: g * coef.astype(g.dtype), grads), total


def clip_grad_value(grads, clip_value):
    """torch.nn.utils.clip_grad_value_ on a gradient pytree: every entry clamped to [-clip_value, clip_value]."""
    return jax.tree.map(lambda g: jnp.clip(g, -clip_value, clip_value), grads)
