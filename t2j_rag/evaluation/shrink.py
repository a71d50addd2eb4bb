"""`--shrink`: scale a case's module-level integer size constants down until it fits a CPU machine.

KernelBench-style files state their sizes as module constants (`batch_size =
16`, `dim = 16384`). Shrinking halves every shrinkable constant at once and
measures again, until no input, parameter, buffer or output tensor has more
than `budget` elements, or halving stops making the largest tensor smaller
(it may be sized by a constant inside a list). Measuring runs the case in the sandbox
(`measure_job`), since its code is foreign; a step that runs out of memory or
time counts as "still too big".

Which constants shrink is a name heuristic: sizes shrink, structural numbers
(kernel, stride, padding, dilation, groups, heads, classes, layers, reduction
ratios) do not, because halving them changes what the case computes rather
than how big it is. The trade-off: a size with an unusual name may be left
alone, and halving can still break a divisibility rule (channels vs groups);
then the last step that ran is kept and the reason is recorded.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Callable

DEFAULT_BUDGET = 1 << 21  # elements in the largest tensor: 8 MB of float32
MAX_STEPS = 16
STRUCTURAL = re.compile(r"kernel|stride|pad|dilation|group|head|class|layer|reduction|ratio|factor|seed|ndim|rank",
                        re.I)


@dataclass
class Measure:
    ok: bool
    max_elements: int | None = None
    where: str = ""
    static: int | None = None  # largest input, parameter or buffer (known even when the forward was not run)
    stage: str | None = None  # when not ok: the sandbox stage ("memory", "timeout", "error", ...)
    message: str = ""


@dataclass
class ShrinkResult:
    code: str
    changes: dict[str, list[int]] = field(default_factory=dict)  # name -> [old, new]
    steps: int = 0
    max_elements: int | None = None
    note: str = ""

    def to_dict(self) -> dict:
        return {"changes": self.changes, "steps": self.steps, "max_elements": self.max_elements, "note": self.note}


def size_constants(code: str) -> dict[str, int]:
    """Module-level `NAME = <int literal>` assignments that look like sizes."""
    found: dict[str, int] = {}
    for node in ast.parse(code).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Constant) and type(node.value.value) is int):
            name = node.targets[0].id
            if not STRUCTURAL.search(name) and node.value.value >= 2:
                found[name] = node.value.value
    return found


def rewrite_constants(code: str, values: dict[str, int]) -> str:
    """`code` with the literal of each named module-level constant replaced; nothing else moves."""
    lines = code.splitlines(keepends=True)
    edits = []
    for node in ast.parse(code).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in values and isinstance(node.value, ast.Constant)):
            v = node.value
            edits.append((v.lineno, v.col_offset, v.end_lineno, v.end_col_offset, str(values[node.targets[0].id])))
    for lineno, col, end_lineno, end_col, text in sorted(edits, reverse=True):
        if lineno != end_lineno:
            continue  # a literal spread over lines is not a plain size; leave it
        line = lines[lineno - 1]
        prefix, suffix = line.encode()[:col].decode(), line.encode()[end_col:].decode()
        lines[lineno - 1] = prefix + text + suffix
    return "".join(lines)


def shrink_code(code: str, measure: Callable[[str], Measure], budget: int = DEFAULT_BUDGET,
                max_steps: int = MAX_STEPS) -> ShrinkResult:
    """Halve the size constants of `code` until `measure` says every tensor fits `budget` elements."""
    original = size_constants(code)
    values = dict(original)
    current = code
    m = measure(current)
    if not m.ok and m.stage not in ("memory", "timeout"):
        return ShrinkResult(code, note=f"left unchanged: the case does not run ({m.stage}: {_first(m.message)})")
    steps = 0
    while not (m.ok and m.max_elements is not None and m.max_elements <= budget):
        shrinkable = {k: v for k, v in values.items() if v >= 2}
        if not shrinkable or steps >= max_steps:
            return _result(code, current, original, values, steps, m,
                           f"still above the budget of {budget} elements after {steps} halving(s)")
        trial_values = {**values, **{k: v // 2 for k, v in shrinkable.items()}}
        trial = rewrite_constants(code, trial_values)
        t = measure(trial)
        steps += 1
        if not t.ok and t.stage not in ("memory", "timeout"):
            note = f"stopped: halving again breaks the case ({t.stage}: {_first(t.message)})"
            return _result(code, current, original, values, steps - 1, m, note)
        if t.ok and m.ok and m.static is not None and t.static is not None and budget < t.static >= m.static:
            # the largest tensor does not depend on the constants left (a size held in a list, say)
            note = (f"stopped above the budget of {budget} elements: halving again does not shrink the largest "
                    f"tensor ({t.where}, {t.max_elements} elements)")
            return _result(code, current, original, values, steps - 1, m, note)
        values, current, m = trial_values, trial, t
    return _result(code, current, original, values, steps, m, "")


def _first(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def _result(code, current, original, values, steps, m: Measure, note: str) -> ShrinkResult:
    changes = {k: [original[k], values[k]] for k in original if values[k] != original[k]}
    return ShrinkResult(current if changes else code, changes, steps, m.max_elements if m.ok else None, note)


# ----------------------------------------------------------------------------- sandbox side


def _numel_items(obj, where: str):
    import torch

    if isinstance(obj, torch.Tensor):
        yield obj.numel(), where
    elif isinstance(obj, (list, tuple)):
        for i, o in enumerate(obj):
            yield from _numel_items(o, f"{where}[{i}]")
    elif isinstance(obj, dict):
        for k, o in obj.items():
            yield from _numel_items(o, f"{where}[{k!r}]")


def measure_job(payload: dict) -> dict:
    """Sandbox handler: the largest tensor (inputs, parameters and buffers, then outputs) of a case.

    The forward only runs when the inputs and weights fit `payload["budget"]`, so
    an oversized case is not run further than needed to know it is too big.
    """
    from ..compare import CheckFailed

    try:
        return _measure(payload["code"], int(payload["budget"]))
    except CheckFailed as f:
        if f.stage == "memory":  # let the sandbox report it as memory, which shrinking treats as "too big"
            raise MemoryError(f.message) from None
        raise RuntimeError(f.message) from None


def _measure(code: str, budget: int) -> dict:
    import torch

    from ..loading import load_source, make_inputs

    module = load_source(code, "case")
    inputs, init = make_inputs(module, 0)
    best = (0, "")
    for item in _numel_items(list(inputs), "input"):
        best = max(best, item)
    model = module.Model(*init)
    for name, t in list(model.named_parameters()) + list(model.named_buffers()):
        best = max(best, (t.numel(), name))
    static = best[0]
    if static <= budget:  # only run the forward of a case whose inputs and weights already fit
        model.eval()
        with torch.no_grad():
            out = model(*inputs)
        for item in _numel_items(out, "output"):
            best = max(best, item)
    return {"max_elements": best[0], "where": best[1], "static": static}


def sandbox_measure(worker, budget: int, timeout: float = 120.0) -> Callable[[str], Measure]:
    """A `measure` for shrink_code that runs measure_job in `worker` (a sandbox.Worker or pool lease)."""

    def measure(code: str) -> Measure:
        job = worker.run("t2j_rag.evaluation.shrink:measure_job", {"code": code, "budget": budget}, timeout=timeout)
        if not job.ok:
            return Measure(False, stage=job.stage, message=job.message)
        return Measure(True, job.value["max_elements"], job.value["where"], job.value.get("static"))

    return measure
