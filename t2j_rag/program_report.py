"""The records of a program check: one verdict per module and function, per optimizer, and per run.

A `ProgramReport` is a `VerifyReport` (so everything that consumes the verifier's
verdict -- the CLI, the repair loop, the evaluation harness -- keeps working: `passed`,
`stage`, `message`, `max_abs_err`, `mismatch_path` summarise the first failure) with
the details beside it. `to_dict()` is the `--json` record:

    {"passed", "stage", "message", "entry": "<program>", "max_abs_err", "max_rel_err",
     "mismatch_path", "findings", "seconds",
     "modules":   [{"name", "kind": "module", "verdict", "stage", "message", "max_abs_err",
                    "mismatch_path", "init", "inputs", "output", "mode", "drawn"}],
     "functions": [... the same, "kind": "function" ...],
     "training":  [{"optimizer", "hyper", "module", "verdict", "steps_torch", "steps_jax",
                    "steps_compared", "step", "path", "max_abs_err", "losses_torch",
                    "losses_jax", "batches", "message"}],
     "run":       {"torch": {"status", "seconds", "steps", "losses", "message", "output_tail"},
                   "jax": {...}, "passed", "message"},
     "capture":   {"max_steps", "max_seconds", "capture_mb", "stored_mb", "too_big",
                   "draws", "replayed", "diverged", "draws_in_modules", "sync_errors", "notes"}}

Verdicts: modules and functions `passed` | `failed` | `not called` | `skipped`;
training `passed` | `failed` | `not comparable` | `not run`. The trade-off of
flattening the details into plain dicts and lists: the record is JSON as it stands
and travels through the sandbox's pipe unchanged, at the price of no behaviour on it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from .verdict import VerifyReport

PROGRAM_ENTRY = "<program>"
UNIT_VERDICTS = ("passed", "failed", "not called", "skipped")
TRAINING_VERDICTS = ("passed", "failed", "not comparable", "not run")


@dataclass
class UnitCheck:
    """One module class or top-level function, checked standalone on what the original fed it."""

    name: str
    kind: str  # "module" | "function"
    verdict: str
    stage: str | None = None
    message: str = ""
    max_abs_err: float | None = None
    mismatch_path: str | None = None
    init: str = ""  # constructor arguments as captured (modules)
    inputs: str = ""  # forward inputs (modules) or call arguments (functions) as captured
    output: str = ""  # shapes of what the original returned
    mode: str | None = None  # "train" | "eval" at the captured call (modules)
    drawn: list = field(default_factory=list)  # inputs too big to keep, drawn at random instead


@dataclass
class TrainingCheck:
    """One PyTorch optimizer and the JAX optimizer built in the same order, compared step by step."""

    optimizer: str
    hyper: dict = field(default_factory=dict)
    module: str | None = None  # class of the module it trains
    verdict: str = "not run"
    steps_torch: int = 0
    steps_jax: int = 0
    steps_compared: int = 0
    step: int | None = None  # the first step that differs (1-based)
    path: str | None = None  # "loss", or the JAX path of the first parameter that differs
    max_abs_err: float | None = None
    losses_torch: list = field(default_factory=list)
    losses_jax: list = field(default_factory=list)
    batches: list = field(default_factory=list)  # shapes of the first batches the trained module saw
    message: str = ""


@dataclass
class ProgramRun:
    status: str  # "ok" | "capped" | "error" | "memory" | "timeout"
    seconds: float = 0.0
    steps: int = 0
    losses: list = field(default_factory=list)  # loss values the program printed
    message: str = ""
    output_tail: str = ""


@dataclass
class ProgramReport(VerifyReport):
    modules: list = field(default_factory=list)  # UnitCheck
    functions: list = field(default_factory=list)  # UnitCheck
    training: list = field(default_factory=list)  # TrainingCheck
    run: dict = field(default_factory=dict)  # {"torch": ProgramRun, "jax": ProgramRun, "passed", "message"}
    capture: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["findings"] = [asdict(f) for f in self.findings]
        return d

    @classmethod
    def from_dict(cls, d: dict, **extra) -> "ProgramReport":
        """Rebuild from `to_dict()` output (what the sandbox job returns); `extra` overrides fields."""
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in names}
        kw["modules"] = [UnitCheck(**m) for m in d.get("modules", [])]
        kw["functions"] = [UnitCheck(**m) for m in d.get("functions", [])]
        kw["training"] = [TrainingCheck(**t) for t in d.get("training", [])]
        run = dict(d.get("run", {}))
        for side in ("torch", "jax"):
            if isinstance(run.get(side), dict):
                run[side] = ProgramRun(**run[side])
        kw["run"] = run
        kw.update(extra)
        return cls(**kw)

    def failing_units(self) -> list[UnitCheck]:
        return [u for u in self.modules + self.functions if u.verdict == "failed"]

    def summary_lines(self) -> list[str]:
        """The human report: one line per module, function, optimizer and run."""
        lines = []
        for u in self.modules + self.functions:
            head = f"{u.kind} {u.name}: {u.verdict}"
            if u.verdict == "failed":
                head += f" [{u.stage}]" + (f" (max abs err {u.max_abs_err:.2g})" if u.max_abs_err else "")
            elif u.verdict == "passed" and u.max_abs_err is not None:
                head += f" (max abs err {u.max_abs_err:.2g})"
            if u.inputs and u.verdict in ("passed", "failed"):
                head += f"; inputs {u.inputs}"
            lines.append(head)
            if u.message and u.verdict != "passed":
                lines.append("  " + u.message.strip().replace("\n", "\n  "))
            if u.drawn:
                lines.append("  values drawn (too big for --capture-mb): " + ", ".join(u.drawn))
        for t in self.training:
            head = (f"training {t.optimizer}" + (f" ({t.module})" if t.module else "") + f": {t.verdict}, "
                    f"{t.steps_compared} step(s) compared (original {t.steps_torch}, translation {t.steps_jax})")
            if t.step is not None:
                head += f"; first difference at step {t.step}, {t.path}"
                if t.max_abs_err is not None:
                    head += f" (max abs err {t.max_abs_err:.2g})"
            lines.append(head)
            if t.message:
                lines.append("  " + t.message.strip().replace("\n", "\n  "))
        for side in ("torch", "jax"):
            r = self.run.get(side)
            if isinstance(r, ProgramRun):
                label = "original" if side == "torch" else "translation"
                losses = ", ".join(f"{v:.4g}" for v in r.losses[:8]) + (" ..." if len(r.losses) > 8 else "")
                lines.append(f"run {label}: {r.status} in {r.seconds:.1f}s, {r.steps} step(s)"
                             + (f", printed losses {losses}" if r.losses else "")
                             + (f"; {r.message}" if r.message and r.status not in ("ok",) else ""))
        for note in self.capture.get("notes", []):
            lines.append(f"note: {note}")
        return lines
