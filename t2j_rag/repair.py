"""Verify a translated file and repair it with the LLM until it passes or rounds run out.

The verifiable unit is the file's entry (the class or function that
`get_inputs()` / an input spec feeds). After each failed verification the model
gets a repair prompt (`prompts/repair.json`): the PyTorch unit, its failing JAX
code, the verifier's stage and message, the lint findings, and notes retrieved
for the error (plus the notes the lint findings point to). The best version seen
is kept: a passing one, else the one that got furthest (a numeric mismatch is
closer than a crash) with the smallest error.

Units other than the entry have no inputs of their own: they are reported as
`unverified`, never as passed.

Rounds count verifications: "wrong, then right" ends verified in 2 rounds with 1 repair.
"""

from __future__ import annotations

from dataclasses import asdict

from .errors import InputError
from .parse import ParseError, parse_answer
from .repair_prompt import UnitVerification, attempt_rank, build_repair_messages, notes_for_error
from .units import assemble
from .verify import VerifyOptions, VerifyReport, find_entry, has_inputs, verify_code


def verify_and_repair(source, translations: dict[str, str], backend, retriever=None, rounds: int = 3,
                      verify_opts: VerifyOptions | None = None, k: int = 4, worker=None, max_tokens: int = 2048,
                      on_fix=None, program_reports: list | None = None) -> tuple[dict[str, str], list[UnitVerification]]:
    """Return the best translations found and one verification record per unit.

    `rounds` is the number of repair prompts allowed after the first verification.
    `on_fix(unit, wrong_code, report, fixed_code)` is called when a repair turns a failure into a pass.
    A file without get_inputs() and without a spec is checked as a whole program (`program_repair`);
    `program_reports`, when a list, then receives the ProgramReport of the version kept.
    """
    from .backends.base import Request

    verify_opts = verify_opts or VerifyOptions()
    records = {u.name: UnitVerification(u.name, "unverified", message="no inputs known for this unit")
               for u in source.units}
    if verify_opts.spec is None and not has_inputs(source.text):
        if verify_opts.entry is not None:
            return translations, list(records.values())
        from .program_repair import verify_and_repair_program

        return verify_and_repair_program(source, translations, backend, retriever, rounds, verify_opts, k, worker,
                                         max_tokens, on_fix, program_reports)
    try:
        entry = find_entry(source.text, verify_opts.entry)
    except InputError as exc:
        for r in records.values():
            r.message = str(exc)
        return translations, list(records.values())
    unit = next((u for u in source.units if u.name == entry), None)
    if unit is None or entry not in translations:
        if unit is not None:
            records[entry] = UnitVerification(entry, "failed", message="the unit was not translated")
        return translations, list(records.values())
    opts = VerifyOptions(**{**asdict(verify_opts), "entry": entry})

    current = dict(translations)
    first_code = current[entry]
    report = first_report = verify_code(source.text, assemble(source, current), opts, worker)
    best, best_report, n_rounds, n_repairs = dict(current), report, 1, 0
    while not best_report.passed and n_repairs < rounds and backend is not None:
        notes = notes_for_error(retriever, unit, report, k)
        messages = build_repair_messages(unit, source.context, current[entry], report, notes)
        completion = backend.generate(Request(messages=messages, max_tokens=max_tokens))
        n_repairs += 1
        try:
            current = {**current, entry: parse_answer(completion.text).code}
        except ParseError as exc:
            report = VerifyReport(False, "parse", message=str(exc), entry=entry)
            continue
        report = verify_code(source.text, assemble(source, current), opts, worker)
        n_rounds += 1
        if attempt_rank(report) > attempt_rank(best_report):
            best, best_report = dict(current), report
    if best_report.passed and n_repairs and on_fix is not None:
        on_fix(unit, first_code, first_report, best[entry])
    records[entry] = UnitVerification(entry, "passed" if best_report.passed else "failed", n_rounds, n_repairs,
                                      best_report.stage, "" if best_report.passed else best_report.message,
                                      best_report.max_abs_err)
    if report is not best_report and not best_report.passed:
        records[entry].last_stage, records[entry].last_message = report.stage, report.message
    return best, list(records.values())


def apply_verification(report, source, best: dict[str, str], checks: list[UnitVerification], spec: dict | None = None
                       ) -> None:
    """Fold the verification results into a translate report: best code, per-unit verdicts.

    An input spec the verification used is recorded atop the code, so a later `verify` finds it.
    """
    from .verify import spec_header

    by_unit = {c.unit: c for c in checks}
    report.code = (spec_header(spec) if spec is not None else "") + assemble(source, best)
    for rec in report.units:
        c = by_unit.get(rec.unit)
        if c is None:
            continue
        rec.verified, rec.rounds, rec.repairs = c.verified, c.rounds, c.repairs
        rec.error = c.message if c.verified == "failed" else ""
        rec.last_error = f"{c.last_stage}: {c.last_message}" if c.last_stage else ""
        if rec.unit in best:
            rec.code = best[rec.unit]
