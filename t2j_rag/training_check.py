"""The training-step check of a program check: each optimizer against its translation, step by step.

The PyTorch optimizers and the `nnx.Optimizer`s are matched by creation order. After
every step the loss and the trained module's state are compared: PyTorch's state is
moved into the translation's layout by the weight converter (the same conversion the
module checks use) and compared variable by variable, so the report can name the
first step and JAX parameter path that differ. Steps are compared only while both
programs are provably on the same data: the random draws replayed so far and the
batch the trained module saw must agree; after that the check says "not comparable"
rather than blaming the optimizer.

Tolerance is two-layered. Element-wise (rtol/atol) catches any real difference; an
element-wise excess that is tiny against how far training has moved the whole tensor
(`movement_error`) is float noise -- Adam divides by sqrt(v) + eps, which amplifies
rounding in the few elements whose gradient is near eps -- and passes. The trade-off:
a bug that changes only a handful of elements by little can hide under that second
layer; the bugs this check exists for (AdamW for L2, eps placement, momentum,
accumulation, schedules, clipping) move whole tensors.
"""

from __future__ import annotations

import copy

import numpy as np

from .compare import CheckFailed, MaxErrors, compare_outputs
from .program_report import TrainingCheck

# Beyond the element-wise tolerance, the error relative to how far training moved the whole tensor that still
# passes: float noise stays below 1e-3 over 20 Adam steps; running statistics get more room, since nnx.BatchNorm
# averages the biased batch variance where PyTorch averages the unbiased one (a 1/(n-1) difference).
TRAIN_RTOL = 1e-3  # parameters drift apart a little with every float32 step
TRAIN_ATOL = 1e-5
TRAIN_MOVEMENT = 5e-3
STATS_MOVEMENT = 5e-2
LOSSES_KEPT = 50


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return abs(a - b) <= atol + rtol * abs(a) or (np.isnan(a) and np.isnan(b))


def _same_batch(tf, jf, rtol: float = 1e-4) -> bool:
    if not tf or not jf or len(tf) != len(jf):
        return True  # nothing to tell them apart by: assume the same
    for (ts, tsum, tabs), (js, jsum, jabs) in zip(tf, jf):
        if ts != js or abs(tsum - jsum) > 1e-4 * max(tabs, 1.0) + rtol * abs(tsum):
            return False
    return True


class _TorchStateInJaxLayout:
    """The original's module state after a step, moved into the translation's layout by the converter."""

    def __init__(self, owner, template, namespace, store):
        from flax import nnx

        self.tm, self.jm, self.namespace, self.store = copy.deepcopy(owner), nnx.clone(template), namespace, store
        self.initial = self._convert()  # where training started from: the scale of each parameter's movement
        self.params = {".".join(str(p) for p in path) for path, _ in nnx.to_flat_state(nnx.state(self.jm, nnx.Param))}

    def __call__(self, state_refs: dict) -> dict:
        import torch

        loaded = {k: torch.from_numpy(np.array(self.store.get(ref))) for k, ref in state_refs.items()}
        self.tm.load_state_dict(loaded, strict=False)
        return self._convert()

    def _convert(self) -> dict:
        import jax.numpy as jnp
        from flax import nnx

        from .replay import convert_into, flat_state

        for _, var in nnx.to_flat_state(nnx.state(self.jm)):
            value = var.get_value() if hasattr(var, "get_value") else None
            if value is not None and hasattr(value, "dtype") and jnp.issubdtype(value.dtype, jnp.floating):
                var.set_value(jnp.full(value.shape, jnp.nan, value.dtype))  # not filled by the converter: skipped
        convert_into(self.tm, self.jm, self.namespace)
        return {p: v for p, v in flat_state(self.jm).items()
                if not (np.issubdtype(v.dtype, np.floating) and v.size and np.isnan(v).all())}


def movement_error(expected: np.ndarray, actual: np.ndarray, initial: np.ndarray | None) -> float:
    """||actual - expected|| / ||expected - initial||: the translation's error relative to how far
    training has moved the parameter. Element-wise tolerances alone flag float noise that Adam
    amplifies in the few elements whose gradient is near eps; a different update rule moves the
    whole tensor differently and shows here.

    >>> round(movement_error(np.array([1.1, 2.0]), np.array([1.1, 2.0001]), np.array([1.0, 2.0])), 4)
    0.001
    """
    e, a = expected.astype(np.float64), actual.astype(np.float64)
    moved = np.linalg.norm(e - initial.astype(np.float64)) if initial is not None and initial.shape == e.shape else 0.0
    err = np.linalg.norm(a - e)
    return float(err / moved) if moved > 0 else (0.0 if err == 0 else float("inf"))


def check_training(oc, jo, cap, jrun, opts: dict) -> TrainingCheck:
    t = TrainingCheck(oc.cls_name, oc.hyper, oc.owner_name, steps_torch=len(oc.steps),
                      losses_torch=[s.loss for s in oc.steps[:LOSSES_KEPT]],
                      batches=[s.batch for s in oc.steps[:5]])
    if jo is None:
        if jrun.optax_steps:
            t.verdict = "not comparable"
            t.message = (f"the translation updates parameters with optax directly ({jrun.optax_steps} step(s)), "
                         "not through an nnx.Optimizer; its parameters cannot be matched to the original's")
        else:
            t.verdict = "failed" if oc.steps else "not run"
            stopped = jrun.outcome.status != "ok"
            t.message = ("the translation stopped before it built an nnx.Optimizer for it" if stopped else
                         "the translation builds no nnx.Optimizer for it") + (
                f" ({jrun.outcome.status}: {jrun.outcome.message})" if stopped else "")
            t.step = 1 if oc.steps else None
            t.path = "steps" if oc.steps else None
        return t
    t.steps_jax = len(jo.steps)
    t.losses_jax = [s.loss for s in jo.steps[:LOSSES_KEPT]]
    if not oc.steps and not jo.steps:
        t.verdict, t.message = "not run", "neither program made an optimizer step before it ended"
        return t
    if jo.sync_error:
        t.verdict, t.step, t.path = "failed", 0, "weights"
        t.message = f"the trained module did not take the original's initial weights: {jo.sync_error}"
        return t
    if oc.owner is None or jo.template is None:
        t.verdict = "not comparable"
        t.message = "could not tell which module the original's optimizer trains"
        return t
    rtol, atol = opts["train_rtol"], opts["train_atol"]
    diverged = jrun.diverged
    expected_state = None
    max_err = 0.0
    stop_note = ""
    for k, (ts, js) in enumerate(zip(oc.steps, jo.steps), start=1):
        if diverged is not None and ts.draws >= diverged["draw"]:
            stop_note = (f"steps from {k} on are not comparable: the random draws diverged at draw {diverged['draw']} "
                         f"({diverged['reason']})")
            break
        if js.draws != ts.draws:
            stop_note = (f"steps from {k} on are not comparable: the original made {ts.draws} random draw(s) before "
                         f"this step, the translation replayed {js.draws}"
                         + (f" ({jrun.traced_draws} draw(s) inside jitted code, which cannot be replayed)"
                            if jrun.traced_draws else ""))
            break
        if not _same_batch(ts.fingerprint, js.fingerprint):
            stop_note = (f"steps from {k} on are not comparable: the translation's batch differs from the original's "
                         f"({ts.batch}); its data pipeline or random draws are not in step")
            break
        if ts.loss is not None and js.loss is not None and not _close(ts.loss, js.loss, rtol, atol):
            t.verdict, t.step, t.path, t.max_abs_err = "failed", k, "loss", abs(ts.loss - js.loss)
            t.message = f"step {k}: loss {ts.loss:.6g} in the original, {js.loss:.6g} in the translation"
            return t
        if ts.state is not None and js.state is not None:
            if expected_state is None:
                try:
                    expected_state = _TorchStateInJaxLayout(oc.owner, jo.template, jrun.namespace, cap.store)
                except Exception as exc:  # noqa: BLE001
                    t.verdict, t.message = "not comparable", f"cannot copy the trained module: {exc}"
                    return t
            try:
                expected = expected_state(ts.state)
            except Exception as exc:  # noqa: BLE001
                t.verdict, t.step, t.path = "failed", k, "weights"
                t.message = f"step {k}: the original's parameters do not convert into the translation's module: {exc}"
                return t
            for path, value in expected.items():
                if path not in js.state:
                    continue
                actual = cap.store.get(js.state[path])
                errs = MaxErrors()
                try:
                    compare_outputs(value, actual, rtol, atol, path, errs)
                except CheckFailed as f:
                    moved = movement_error(value, actual, expected_state.initial.get(path)) \
                        if f.stage == "numeric" else float("inf")
                    param = path in expected_state.params
                    if moved > opts["train_movement" if param else "stats_movement"]:
                        t.verdict, t.step, t.path = "failed", k, path
                        t.max_abs_err = float(np.max(np.abs(value.astype(np.float64) - actual.astype(np.float64))))
                        t.message = (f"step {k}: {'parameter' if param else 'buffer'} {path} differs after the update "
                                     f"(loss {_fmt(ts.loss)} vs {_fmt(js.loss)}): {f.message}"
                                     + (f"; error {moved:.2g} of its movement since the start"
                                        if moved != float("inf") else ""))
                        return t
                    errs.max_abs = float(np.max(np.abs(value.astype(np.float64) - actual.astype(np.float64))))
                max_err = max(max_err, errs.max_abs)
        t.steps_compared = k
    t.max_abs_err = max_err if t.steps_compared else None
    if stop_note:
        t.verdict = "passed" if t.steps_compared else "not comparable"
        t.message = stop_note
        return t
    if len(jo.steps) != len(oc.steps) and jrun.outcome.cap != "time":
        t.verdict, t.step, t.path = "failed", min(len(jo.steps), len(oc.steps)) + 1, "steps"
        t.message = (f"the translation made {len(jo.steps)} optimizer step(s), the original {len(oc.steps)}"
                     + (f" (the translation stopped with: {jrun.outcome.message})"
                        if jrun.outcome.status in ("error", "memory") else ""))
        return t
    t.verdict = "passed"
    return t


def _fmt(v) -> str:
    return "n/a" if v is None else f"{v:.6g}"
