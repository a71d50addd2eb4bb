"""What every repair loop shares: the per-unit verification record, how attempts rank, the repair prompt.

The entry-check loop (`repair`) and the program-check loop (`program_repair`) both keep the best
attempt by `attempt_rank` and ask the model with `build_repair_messages`; keeping these here lets
the two loops stay apart without importing each other.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .resources import read_prompt
from .verdict import VerifyReport

# How far a failed attempt got: later stages are closer to a correct translation.
STAGE_ORDER = ("parse", "import", "construct", "weights", "timeout", "memory", "runtime", "shape", "dtype", "numeric", "ok")


@dataclass
class UnitVerification:
    unit: str
    verified: str  # "passed" | "failed" | "unverified"
    rounds: int = 0
    repairs: int = 0
    stage: str | None = None  # of the version kept (the best one)
    message: str = ""
    max_abs_err: float | None = None
    last_stage: str | None = None  # of the last attempt, when it differs from the version kept
    last_message: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def attempt_rank(r: VerifyReport) -> tuple:
    stage = STAGE_ORDER.index(r.stage) if r.stage in STAGE_ORDER else 0
    return (r.passed, stage, -(r.max_abs_err if r.max_abs_err is not None else float("inf")))


def notes_for_error(retriever, unit, report: VerifyReport, k: int) -> list:
    """Notes retrieved for the error message and the unit's APIs, plus the ones lint findings name."""
    if retriever is None:
        return []
    query = f"{report.stage}: {report.message}\n{unit.source}"
    notes = [h.entry for h in retriever.search(query, unit.apis, k) if h.kind == "note"]
    by_id = {e.id: e for e in retriever.index.entries}
    for f in report.findings:
        if f.note and f.note in by_id and by_id[f.note] not in notes:
            notes.append(by_id[f.note])
    return notes


def build_repair_messages(unit, context: str, failing_code: str, report: VerifyReport, notes: list,
                          captured: dict | None = None) -> list[dict]:
    """The repair prompt; `captured` (program checks) adds what the original fed the unit and where it diverged."""
    doc = json.loads(read_prompt("repair.json"))
    schema = doc.pop("output_schema")
    doc["context"] = context
    doc["unit"] = {"name": unit.name, "kind": unit.kind, "pytorch_source": unit.source}
    doc["failing_jax_code"] = failing_code
    doc["verifier"] = {"stage": report.stage, "message": report.message, "mismatch_path": report.mismatch_path,
                       "max_abs_err": report.max_abs_err}
    if captured:
        doc["verifier"]["captured"] = captured
    doc["lint"] = [{"rule": f.rule, "line": f.line, "message": f.message, "note": f.note} for f in report.findings]
    doc["notes"] = [{"id": e.id, "title": e.title, "text": e.body.strip()} for e in notes]
    doc["output_schema"] = schema
    return [{"role": "system", "content": read_prompt("translate_system.txt").strip()},
            {"role": "user", "content": json.dumps(doc, indent=1, ensure_ascii=False)}]
