"""Verify a whole program without written inputs: capture the original, replay the translation, compare.

`verify_program` (parent side) sends one job to a sandbox worker; the job,
`run_program_job`, runs in that one child, in this order: the PyTorch original
under `capture` (recording what its modules, functions and optimizers saw), the JAX
translation under `replay` (same weights, same random draws, steps recorded), then
three checks, each with its own verdict in the `ProgramReport`:

- module checks (`unit_checks`): every `nn.Module` class of the file that was called is rebuilt on
  the JAX side from the captured constructor arguments, gets the PyTorch instance's
  weights through the converter (after `randomize_hidden_defaults`, as the entry
  check does), and both run in eval mode on the captured inputs; top-level
  functions are called on their captured arguments and compared with the recorded
  result. Comparison, stages and `--grad` are the entry check's own (`equivalence`);
- training-step check (`training_check`): each PyTorch optimizer against the `nnx.Optimizer` built in
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

import os
import shutil
import tempfile
import time

from .program_report import PROGRAM_ENTRY, ProgramReport, ProgramRun
from .training_check import LOSSES_KEPT, STATS_MOVEMENT, TRAIN_ATOL, TRAIN_MOVEMENT, TRAIN_RTOL, check_training
from .equivalence import DEFAULT_ATOL, DEFAULT_RTOL
from .unit_checks import check_function, check_module

HANDLER = "t2j_rag.program_check:run_program_job"
DEFAULT_MAX_STEPS = 20
DEFAULT_MAX_SECONDS = 60.0
DEFAULT_CAPTURE_MB = 256
CHECK_SECONDS = 60.0  # per module or function check


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

    opts = {"rtol": payload.get("rtol") or DEFAULT_RTOL,
            "atol": payload.get("atol") or DEFAULT_ATOL,
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
