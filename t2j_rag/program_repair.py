"""Verify and repair a translated program that has no written inputs (`translate --verify` on real files).

The program check (`program_check`) gives a verdict per module, function, optimizer
and run; this module turns those into per-unit verdicts and repairs one failing unit
per round: a failing module or function is its own unit; a failing training step
belongs to the unit that holds the training loop (the one that calls `.backward()`);
a translation that crashes belongs to the unit holding the failing line. The repair
prompt is the entry check's (`repair_prompt.build_repair_messages`) plus what was captured:
constructor arguments, input shapes, the optimizer and its hyper-parameters, the
first step and parameter that differ.

The innermost failure goes first: a module whose own parts fail is repaired after
them, since a wrong block makes every model that contains it wrong too. The best
version seen is kept, ranked by the number of failing checks.

Example::

    best, records = verify_and_repair_program(source, translations, backend, rounds=3)
    [(r.unit, r.verified) for r in records]    # [("Block", "passed"), ("<module>", "passed"), ...]
"""

from __future__ import annotations

import ast
import re
from dataclasses import asdict

from .parse import ParseError, parse_answer
from .program_report import ProgramReport
from .units import MODULE_UNIT, assemble
from .repair_prompt import UnitVerification, build_repair_messages, notes_for_error
from .verify import VerifyOptions, VerifyReport, verify_code


def program_rank(r: VerifyReport) -> tuple:
    """Passed first, then fewer failing checks (a report that is not a program report counts as all failing)."""
    if not isinstance(r, ProgramReport):
        return (r.passed, -1_000_000)
    failing = len(r.failing_units()) + sum(t.verdict == "failed" for t in r.training)
    failing += 0 if r.run.get("passed", False) else 1
    return (r.passed, -failing)


def training_unit(source) -> str | None:
    """The unit that runs the training loop: the one calling `.backward()` (else `.step()`), outermost first."""
    for method in ("backward", "step"):
        for unit in sorted(source.units, key=lambda u: u.kind != "module"):
            try:
                tree = ast.parse(unit.source)
            except SyntaxError:
                continue
            if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == method
                   for n in ast.walk(tree)):
                return unit.name
    return None


def unit_at_line(code: str, line: int, source) -> str | None:
    """The unit whose translation holds `line` of the assembled file: the top-level definition of that name,
    else the `<module>` unit for top-level statements."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    names = {u.name for u in source.units}
    for node in tree.body:
        if node.lineno <= line <= (node.end_lineno or node.lineno):
            name = getattr(node, "name", None)
            if name in names:
                return name
            return MODULE_UNIT if MODULE_UNIT in names else None
    return None


def _uses(source) -> dict[str, set[str]]:
    """unit name -> names of the other units its source mentions."""
    names = {u.name for u in source.units}
    out = {}
    for u in source.units:
        words = set(re.findall(r"[A-Za-z_]\w*", u.source))
        out[u.name] = (words & names) - {u.name}
    return out


def failures(report: ProgramReport, source, code: str) -> list[tuple[str, VerifyReport, dict]]:
    """(unit, the failure as a VerifyReport, captured material for the prompt), innermost first."""
    names = {u.name for u in source.units}
    found: list[tuple[str, VerifyReport, dict]] = []
    for u in report.modules + report.functions:
        if u.verdict == "failed" and u.name in names:
            captured = ({"constructor_arguments": u.init, "inputs": u.inputs, "output": u.output, "mode": u.mode}
                        if u.kind == "module" else {"arguments": u.inputs, "result": u.output})
            found.append((u.name, VerifyReport(False, u.stage or "runtime", u.max_abs_err, None, u.mismatch_path,
                                               u.message, entry=u.name, findings=report.findings), captured))
    uses = _uses(source)
    failing = {name for name, _, _ in found}
    found.sort(key=lambda f: bool(uses.get(f[0], set()) & failing))
    trainer = training_unit(source)
    for t in report.training:
        if t.verdict == "failed" and trainer in names and trainer not in failing:
            captured = {"optimizer": t.optimizer, "hyper_parameters": t.hyper, "trained_module": t.module,
                        "first_difference": {"step": t.step, "path": t.path, "max_abs_err": t.max_abs_err},
                        "losses_original": t.losses_torch[:5], "losses_translation": t.losses_jax[:5],
                        "batches": t.batches[:3]}
            found.append((trainer, VerifyReport(False, "training", t.max_abs_err, None, t.path, t.message,
                                                entry=trainer, findings=report.findings), captured))
            failing.add(trainer)
    jax_run = report.run.get("jax")
    if not report.run.get("passed", True) and jax_run is not None:
        match = re.search(r"\(line (\d+):", jax_run.message or "")
        unit = unit_at_line(code, int(match.group(1)), source) if match else None
        if unit is not None and unit not in failing:
            torch_run = report.run.get("torch")
            captured = {"original_run": getattr(torch_run, "status", None), "translation_run": jax_run.status}
            found.append((unit, VerifyReport(False, "runtime", message=report.run.get("message", ""), entry=unit,
                                             findings=report.findings), captured))
    return found


def unit_verdicts(report: ProgramReport, source, code: str) -> dict[str, tuple[str, str]]:
    """unit -> (verdict, message): passed / failed / unverified (never called, or nothing to compare)."""
    verdicts: dict[str, tuple[str, str]] = {u.name: ("unverified", report.message if report.stage == "capture"
                                                      else "no check reached this unit") for u in source.units}
    for u in report.modules + report.functions:
        if u.name not in verdicts:
            continue
        if u.verdict in ("passed", "failed"):
            verdicts[u.name] = (u.verdict, u.message if u.verdict == "failed" else "")
        else:
            verdicts[u.name] = ("unverified", f"{u.verdict}" + (f": {u.message}" if u.message else ""))
    trainer = training_unit(source)
    if trainer in verdicts and report.training:
        compared = [t for t in report.training if t.verdict in ("passed", "failed")]
        if compared:
            bad = next((t for t in compared if t.verdict == "failed"), None)
            verdicts[trainer] = ("failed", bad.message) if bad else ("passed", "")
    for unit, failure, _ in failures(report, source, code):
        verdicts[unit] = ("failed", failure.message)
    return verdicts


def verify_and_repair_program(source, translations: dict[str, str], backend, retriever=None, rounds: int = 3,
                              verify_opts: VerifyOptions | None = None, k: int = 4, worker=None,
                              max_tokens: int = 2048, on_fix=None, reports: list | None = None):
    """The program counterpart of `repair.verify_and_repair`: (best translations, one UnitVerification per unit).

    `reports`, when a list, receives the ProgramReport of the version kept.
    """
    from .backends.base import Request

    opts = VerifyOptions(**{**asdict(verify_opts or VerifyOptions()), "entry": None, "spec": None})
    current = dict(translations)
    code = assemble(source, current)
    report = first_report = verify_code(source.text, code, opts, worker)
    first = dict(current)
    best, best_report, best_code = dict(current), report, code
    n_rounds, n_repairs = 1, 0
    repairs: dict[str, int] = {}
    units = {u.name: u for u in source.units}
    while not best_report.passed and n_repairs < rounds and backend is not None:
        todo = [f for f in failures(report, source, code) if f[0] in current] if isinstance(report, ProgramReport) else []
        if not todo:
            break
        name, failure, captured = todo[0]
        notes = notes_for_error(retriever, units[name], failure, k)
        messages = build_repair_messages(units[name], source.context, current[name], failure, notes, captured)
        completion = backend.generate(Request(messages=messages, max_tokens=max_tokens))
        n_repairs += 1
        repairs[name] = repairs.get(name, 0) + 1
        try:
            current = {**current, name: parse_answer(completion.text).code}
        except ParseError:
            continue
        code = assemble(source, current)
        report = verify_code(source.text, code, opts, worker)
        n_rounds += 1
        if program_rank(report) > program_rank(best_report):
            best, best_report, best_code = dict(current), report, code
    if reports is not None:
        reports.append(best_report)
    if not isinstance(best_report, ProgramReport):
        records = [UnitVerification(u.name, "failed", n_rounds, repairs.get(u.name, 0), best_report.stage,
                                    best_report.message) for u in source.units]
        return best, records
    verdicts = unit_verdicts(best_report, source, best_code)
    first_verdicts = (unit_verdicts(first_report, source, assemble(source, first))
                      if isinstance(first_report, ProgramReport) else {})
    records = []
    for u in source.units:
        verdict, message = verdicts[u.name]
        rec = UnitVerification(u.name, verdict, n_rounds if verdict != "unverified" else 0, repairs.get(u.name, 0),
                               best_report.stage if verdict == "failed" else ("ok" if verdict == "passed" else None),
                               message)
        records.append(rec)
        if (on_fix is not None and verdict == "passed" and first_verdicts.get(u.name, ("",))[0] == "failed"
                and u.name in best):
            on_fix(u, first[u.name], first_report, best[u.name])
    return best, records
