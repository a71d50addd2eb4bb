"""Verify a whole program without written inputs: capture the original, replay the translation, compare.

`verify_program` (parent side) sends one job to a sandbox worker; the job,
`run_program_job`, runs in that one child, in this order: the PyTorch original
under `capture` (recording what its modules, functions and optimizers saw), the JAX
translation under `replay` (same weights, same random draws, steps recorded), then
three checks, each with its own verdict in the `ProgramReport`:

- module checks: every `nn.Module` class of the file that was called is rebuilt on
  the JAX side from the captured constructor arguments, gets the PyTorch instance's
  weights through the converter (after `randomize_hidden_defaults`, as the entry
  check does), and both run in eval mode on the captured inputs; top-level
  functions are called on their captured arguments and compared with the recorded
  result. Comparison, stages and `--grad` are the entry check's own (`equivalence`);
- training-step check: each PyTorch optimizer against the `nnx.Optimizer` built in
  the same order: losses and every parameter (PyTorch's moved into the JAX layout
  by the converter) after each step, up to the cap; the first step and path that
  differ are reported;
- run check: exit status, time and printed losses of both programs, side by side.

The trade-off: one child runs both programs and the checks, so captured tensors
never cross a process boundary and nothing is imported twice; the price is that a
translation that hangs in native code takes the whole job (and its report) with it
at the wall-clock timeout, which is then the verdict.
"""

from __future__ import annotations

import copy
import inspect
import os
import shutil
import tempfile
import time
import types

import numpy as np

from .program_report import PROGRAM_ENTRY, ProgramReport, ProgramRun, TrainingCheck, UnitCheck

HANDLER = "t2j_rag.program_check:run_program_job"
DEFAULT_MAX_STEPS = 20
DEFAULT_MAX_SECONDS = 60.0
DEFAULT_CAPTURE_MB = 256
TRAIN_RTOL = 1e-3  # parameters drift apart a little with every float32 step
TRAIN_ATOL = 1e-5
# Beyond the element-wise tolerance, the error relative to how far training moved the whole tensor that still
# passes: float noise stays below 1e-3 over 20 Adam steps; running statistics get more room, since nnx.BatchNorm
# averages the biased batch variance where PyTorch averages the unbiased one (a 1/(n-1) difference).
TRAIN_MOVEMENT = 5e-3
STATS_MOVEMENT = 5e-2
CHECK_SECONDS = 60.0  # per module or function check
LOSSES_KEPT = 50


# ----------------------------------------------------------------------------- module and function checks


def _equivalence():
    """The entry check's comparison primitives (kept in one place: they are moving to a leaf module)."""
    from . import equivalence as eq

    return eq


def _accepts(fn, name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _with_rngs(fn, kwargs: dict, seed: int) -> dict:
    """Add `rngs=nnx.Rngs(seed)` when the JAX side takes it and the original's call did not pass it."""
    if "rngs" in kwargs:
        return kwargs
    target = fn.__init__ if isinstance(fn, type) else fn
    if not _accepts(target, "rngs"):
        return kwargs
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        params = {}
    if "rngs" not in params:
        return kwargs
    from flax import nnx

    return {**kwargs, "rngs": nnx.Rngs(seed)}


def check_module(mc, cap, rec, jrun, rep, opts: dict) -> UnitCheck:
    from .captured import describe, drawn_refs
    from .program_exec import StopProgram, TimeLimit

    eq = _equivalence()
    u = UnitCheck(mc.name, "module", "not called")
    if not mc.called:
        return u
    u.mode, u.output = mc.mode, mc.output
    if mc.init is not None:
        u.init = describe(mc.init)
    if mc.inputs is not None:
        u.inputs = describe(mc.inputs)
        u.drawn = drawn_refs(mc.inputs, "inputs")
    if mc.skip:
        u.verdict, u.message = "skipped", mc.skip
        return u
    errs = eq._Errors()
    try:
        with TimeLimit(opts["check_seconds"]):
            _compare_module(mc, cap, rec, jrun, rep, opts, errs)
    except eq._Fail as f:
        u.verdict, u.stage, u.message, u.mismatch_path = "failed", f.stage, f.message, f.path
    except StopProgram:
        u.verdict, u.stage, u.message = "failed", "timeout", f"the check took more than {opts['check_seconds']:g} s"
    except MemoryError:
        u.verdict, u.stage, u.message = "failed", "memory", "MemoryError"
    else:
        u.verdict = "passed"
    u.max_abs_err = errs.max_abs if (errs.max_abs or u.verdict == "passed") else None
    return u


def _missing(name: str, what: str, jrun) -> "Exception":
    eq = _equivalence()
    if jrun.outcome.status in ("error", "memory") and name not in jrun.namespace:
        return eq._Fail("import", f"the JAX program stopped before defining {what} {name}: {jrun.outcome.message}")
    return eq._Fail("construct", f"the JAX program defines no {what} {name}")


def _compare_module(mc, cap, rec, jrun, rep, opts, errs) -> None:
    import torch

    from .captured import thaw
    from .replay import convert_into
    from .weights import WeightError

    eq = _equivalence()
    jns, tns, store = jrun.namespace, cap.outcome.namespace, cap.store
    jcls = jns.get(mc.name)
    if not isinstance(jcls, type):
        raise _missing(mc.name, "class", jrun)
    (init_args, init_kwargs), (in_args, in_kwargs) = mc.init, mc.inputs
    j_init_args, j_init_kwargs = thaw(init_args, store, "jax", jns), thaw(init_kwargs, store, "jax", jns)
    try:
        jm = jcls(*j_init_args, **_with_rngs(jcls, j_init_kwargs, opts["seed"]))
    except Exception as exc:  # noqa: BLE001
        raise eq._user_failure("construct", f"JAX {mc.name}(*captured constructor arguments) failed", exc) from None
    tm = copy.deepcopy(mc.snapshot)
    eq.randomize_hidden_defaults(tm, opts["seed"])
    tm.eval()
    try:
        convert_into(tm, jm, jns)
    except WeightError as exc:
        raise eq._Fail("weights", f"weight conversion failed: {exc}") from None
    except Exception as exc:  # noqa: BLE001
        raise eq._user_failure("weights", "weight conversion failed", exc) from None
    if hasattr(jm, "eval"):
        jm.eval()
    t_args, t_kwargs = thaw(in_args, store, "torch", tns), thaw(in_kwargs, store, "torch", tns)
    j_args, j_kwargs = thaw(in_args, store, "jax", jns), thaw(in_kwargs, store, "jax", jns)
    grad = opts["grad"] and not in_kwargs
    if grad:
        for x in t_args:
            if isinstance(x, torch.Tensor) and x.dtype.is_floating_point:
                x.requires_grad_(True)
    with torch.set_grad_enabled(grad), rec.session_draws():
        try:
            expected = tm(*t_args, **t_kwargs)
        except Exception as exc:  # noqa: BLE001
            raise eq._user_failure("runtime", "PyTorch side failed on the captured inputs", exc) from None
        draws = list(rec.session)
    with rep.session_replay(draws):
        try:
            actual = jm(*j_args, **j_kwargs)
        except Exception as exc:  # noqa: BLE001
            raise eq._user_failure("runtime", "JAX side failed on the captured inputs", exc) from None
    eq.compare_outputs(expected, actual, opts["rtol"], opts["atol"], "out", errs)
    if grad:
        from .gradients import compare_gradients

        hooks = types.SimpleNamespace(convert_weights=jns.get("convert_weights"))
        with rep.session_replay(draws):
            compare_gradients(tm, jm, list(t_args), list(j_args), expected, hooks, True, opts["rtol"], opts["atol"],
                              opts["seed"], errs)


def check_function(fc, cap, rec, jrun, rep, opts: dict) -> UnitCheck:
    from .captured import describe, drawn_refs
    from .program_exec import StopProgram, TimeLimit

    eq = _equivalence()
    u = UnitCheck(fc.name, "function", "not called")
    if not fc.called:
        return u
    if fc.args is not None:
        u.inputs = describe(fc.args)
        u.drawn = drawn_refs(fc.args, "arguments")
    if fc.result is not None:
        u.output = describe(fc.result)
    if fc.skip:
        u.verdict, u.message = "skipped", fc.skip
        return u
    if u.drawn and fc.draws[1] > fc.draws[0]:
        u.verdict, u.message = "skipped", "its arguments were too big to keep and it draws random numbers"
        return u
    errs = eq._Errors()
    try:
        with TimeLimit(opts["check_seconds"]):
            _compare_function(fc, cap, jrun, rep, opts, errs, bool(u.drawn))
    except eq._Fail as f:
        u.verdict, u.stage, u.message, u.mismatch_path = "failed", f.stage, f.message, f.path
    except StopProgram:
        u.verdict, u.stage, u.message = "failed", "timeout", f"the check took more than {opts['check_seconds']:g} s"
    except MemoryError:
        u.verdict, u.stage, u.message = "failed", "memory", "MemoryError"
    else:
        u.verdict = "passed"
    u.max_abs_err = errs.max_abs if (errs.max_abs or u.verdict == "passed") else None
    return u


def _compare_function(fc, cap, jrun, rep, opts, errs, drawn: bool) -> None:
    from .captured import thaw

    eq = _equivalence()
    jns, tns, store = jrun.namespace, cap.outcome.namespace, cap.store
    jfn = jns.get(fc.name)
    if not callable(jfn):
        raise _missing(fc.name, "function", jrun)
    args, kwargs = fc.args
    if drawn:  # the recorded result belongs to values we did not keep: run the original again
        try:
            expected = tns[fc.name](*thaw(args, store, "torch", tns), **thaw(kwargs, store, "torch", tns))
        except Exception as exc:  # noqa: BLE001
            raise eq._user_failure("runtime", "PyTorch side failed on the drawn arguments", exc) from None
    else:
        expected = thaw(fc.result, store, "numpy")
    j_args, j_kwargs = thaw(args, store, "jax", jns), thaw(kwargs, store, "jax", jns)
    with rep.session_replay(cap.draws[fc.draws[0]:fc.draws[1]]):
        try:
            actual = jfn(*j_args, **_with_rngs(jfn, j_kwargs, opts["seed"]))
        except Exception as exc:  # noqa: BLE001
            raise eq._user_failure("runtime", "JAX side failed on the captured arguments", exc) from None
    eq.compare_outputs(expected, actual, opts["rtol"], opts["atol"], "out", errs)


# ----------------------------------------------------------------------------- training-step check


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
    eq = _equivalence()
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
                errs = eq._Errors()
                try:
                    eq.compare_outputs(value, actual, rtol, atol, path, errs)
                except eq._Fail as f:
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


# ----------------------------------------------------------------------------- run check and the report


def _run_record(outcome, steps: int, status: str) -> ProgramRun:
    return ProgramRun(status, round(outcome.seconds, 3), steps, outcome.losses[:LOSSES_KEPT], outcome.message,
                      outcome.output[-1500:])


def check_run(cap, jrun, opts: dict) -> dict:
    t_out, j_out = cap.outcome, jrun.outcome
    j_status = j_out.status
    if j_status == "capped" and j_out.cap == "time" and t_out.cap != "time":
        j_status = "timeout"  # the original got further in the same budget
    torch_run = _run_record(t_out, max((len(o.steps) for o in cap.optimizers), default=0), t_out.status)
    jax_run = _run_record(j_out, max((len(o.steps) for o in jrun.optimizers), default=jrun.optax_steps), j_status)
    if j_status in ("ok", "capped"):
        passed, message = True, ""
    elif t_out.status in ("error", "memory") and j_status == t_out.status:
        passed, message = True, f"both programs stopped with an error (the original: {t_out.message})"
    elif j_status == "timeout":
        passed = False
        message = f"the translation did not finish within {opts['max_seconds']:g} s; the original {t_out.status}"
    else:
        passed, message = False, f"the translation {j_status}: {j_out.message}"
    return {"torch": torch_run, "jax": jax_run, "passed": passed, "message": message}


def check_program(cap, rec, jrun, rep, opts: dict) -> ProgramReport:
    from .replay import host_initializers

    with host_initializers():  # module checks overwrite the JAX initialisation too
        modules = [check_module(mc, cap, rec, jrun, rep, opts) for mc in cap.modules.values()]
        functions = [check_function(fc, cap, rec, jrun, rep, opts) for fc in cap.functions.values()]
    by_index = {jo.index: jo for jo in jrun.optimizers}
    training = [check_training(oc, by_index.get(j), cap, jrun, opts) for j, oc in enumerate(cap.optimizers)]
    run = check_run(cap, jrun, opts)
    units = modules + functions
    checked = any(u.verdict == "passed" for u in units) or any(t.steps_compared for t in training)
    failing_units = [u for u in units if u.verdict == "failed"]
    failing_training = [t for t in training if t.verdict == "failed"]
    capture = {
        "max_steps": opts["max_steps"], "max_seconds": opts["max_seconds"], "capture_mb": opts["capture_mb"],
        "stored_mb": round(cap.store.used / 2**20, 3), "too_big": cap.store.too_big[:20],
        "draws": len(cap.draws), "replayed": jrun.replayed, "diverged": jrun.diverged,
        "draws_in_modules": sum(d.in_module for d in cap.draws),
        "sync_errors": [f"{name}: {msg}" for name, msg in jrun.sync_errors], "notes": list(cap.notes),
    }
    report = ProgramReport(passed=False, stage="ok", entry=PROGRAM_ENTRY, modules=modules, functions=functions,
                           training=training, run=run, capture=capture)
    jax_status = run["jax"].status
    if jax_status in ("timeout", "memory"):
        report.stage, report.message = jax_status, run["message"]
    elif failing_units:
        first = failing_units[0]
        report.stage, report.mismatch_path = first.stage, first.mismatch_path
        report.max_abs_err = first.max_abs_err
        report.message = f"{first.kind} {first.name}: {first.message}"
    elif failing_training:
        first = failing_training[0]
        report.stage, report.mismatch_path, report.max_abs_err = "training", first.path, first.max_abs_err
        report.message = f"training ({first.optimizer}): {first.message}"
    elif not run["passed"]:
        report.stage, report.message = "runtime", run["message"]
    elif not checked:
        report.stage = "capture"
        report.message = ("nothing to compare: the program never called a module or function defined in the file"
                          + ("" if cap.outcome.status in ("ok", "capped") else
                             f" before it stopped ({cap.outcome.status}: {cap.outcome.message})")
                          + "; pass --inputs SPEC.json to check one entry")
    else:
        report.passed = True
        n = sum(u.verdict == "passed" for u in units)
        steps = sum(t.steps_compared for t in training)
        report.message = f"{n} module(s)/function(s) and {steps} training step(s) match"
        report.max_abs_err = max([u.max_abs_err for u in units if u.max_abs_err is not None], default=None)
    return report


def run_program_job(payload: dict) -> dict:
    """Sandbox handler: capture the original, replay the translation, run the checks; the ProgramReport as a dict."""
    from .capture import run_original
    from .captured import CaptureStore
    from .replay import run_translation

    opts = {"rtol": payload.get("rtol") or _equivalence().DEFAULT_RTOL,
            "atol": payload.get("atol") or _equivalence().DEFAULT_ATOL,
            "train_rtol": payload.get("rtol") or TRAIN_RTOL, "train_atol": payload.get("atol") or TRAIN_ATOL,
            "train_movement": TRAIN_MOVEMENT, "stats_movement": STATS_MOVEMENT,
            "grad": bool(payload.get("grad")), "seed": int(payload.get("seed", 0)),
            "max_steps": int(payload.get("max_steps", DEFAULT_MAX_STEPS)),
            "max_seconds": float(payload.get("max_seconds", DEFAULT_MAX_SECONDS)),
            "capture_mb": float(payload.get("capture_mb", DEFAULT_CAPTURE_MB)),
            "check_seconds": float(payload.get("check_seconds", CHECK_SECONDS))}
    root = tempfile.mkdtemp(prefix="t2j-program-")
    try:
        store = CaptureStore(os.path.join(root, "capture"), opts["capture_mb"])
        cap, rec = run_original(payload["torch_code"], payload.get("torch_name", "original.py"),
                                os.path.join(root, "torch"), store, opts["max_steps"], opts["max_seconds"],
                                opts["seed"])
        jrun, rep = run_translation(payload["jax_code"], payload.get("jax_name", "translation.py"),
                                    os.path.join(root, "jax"), cap, store, opts["max_steps"], opts["max_seconds"])
        started = time.perf_counter()
        report = check_program(cap, rec, jrun, rep, opts)
        report.capture["seconds"] = {"original": round(cap.outcome.seconds, 3),
                                     "translation": round(jrun.outcome.seconds, 3),
                                     "checks": round(time.perf_counter() - started, 3)}
        return report.to_dict()
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ----------------------------------------------------------------------------- parent side


def job_timeout(opts) -> float:
    """The wall-clock limit of one program job: both runs' budgets plus the checks, at least `opts.timeout`."""
    return max(opts.timeout, 2 * opts.max_seconds + 60.0)


def verify_program(torch_code: str, jax_code: str, opts, worker=None, torch_name: str = "original.py",
                   jax_name: str = "translation.py") -> ProgramReport:
    """Capture, replay and check in the sandbox; never raises for faults in either program."""
    from .lint import lint_jax
    from .sandbox import Limits, Worker

    start = time.perf_counter()
    findings = lint_jax(jax_code, torch_code)
    payload = {"torch_code": torch_code, "jax_code": jax_code, "torch_name": os.path.basename(torch_name),
               "jax_name": os.path.basename(jax_name), "rtol": opts.rtol, "atol": opts.atol, "grad": opts.grad,
               "seed": opts.seed, "max_steps": opts.max_steps, "max_seconds": opts.max_seconds,
               "capture_mb": opts.capture_mb}
    timeout = job_timeout(opts)
    own = worker is None
    if own:
        worker = Worker(Limits(timeout=timeout, memory_mb=opts.memory_mb))
    try:
        job = worker.run(HANDLER, payload, timeout=timeout)
    finally:
        if own:
            worker.close()
        else:
            worker.recycle()  # two whole programs ran in this child: the next job gets a fresh one
    seconds = time.perf_counter() - start
    if not job.ok:
        stage = job.stage if job.stage in ("timeout", "memory") else "runtime"
        return ProgramReport(False, stage, message=job.message, entry=PROGRAM_ENTRY, findings=findings,
                             seconds=seconds, run={"jax": ProgramRun(stage, job.seconds, message=job.message[-500:])})
    return ProgramReport.from_dict(job.value, findings=findings, seconds=seconds)
