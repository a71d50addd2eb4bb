"""The `rules` backend: the deterministic rules engine behind the ordinary Backend interface.

It reads the JSON prompt document the pipeline already builds (`unit.name`,
`unit.pytorch_source`, `context`), translates that unit with `t2j_rag.rules`,
and answers in the schema an LLM is asked for (`{"jax_code", "notes",
"untranslated"}`), so `--verify`, `--json`, the eval harness and the rest of
the pipeline work unchanged. Retrieved examples in the prompt are ignored: the
engine's mappings come from the corpus notes' `[[rules]]` data directly.

The trade-off: going through the prompt text costs a JSON round trip per unit
(well under a millisecond) but keeps one small interface for every backend.
A repair prompt gets the same deterministic answer, so callers run it with no
repair rounds.
"""

from __future__ import annotations

import json
import time

from t2j_rag.backends.base import Backend, Completion, Request
from t2j_rag.errors import BackendError


class RulesBackend(Backend):
    """Translates with the rules engine; `corpus_dirs` adds user corpora's `[[rules]]`."""

    name = "rules"
    default_model = "rules"
    uses_prompt = False  # the engine reads the unit's source; retrieved examples and drafts are ignored
    repairs = False  # deterministic: a repair prompt gets the same answer
    model_kind = "none"
    reads_corpus = True  # the `[[rules]]` tables of user corpora

    def __init__(self, model: str | None = None, corpus_dirs: list | None = None, **options) -> None:
        super().__init__(model=model, **options)
        self.corpus_dirs = list(corpus_dirs or [])

    def generate(self, request: Request) -> Completion:
        from t2j_rag.rules import translate_unit

        start = time.perf_counter()
        doc = None
        for message in reversed(request.messages):
            if message["role"] == "user":
                try:
                    doc = json.loads(message["content"])
                except ValueError:
                    doc = None
                break
        unit = doc.get("unit") if isinstance(doc, dict) else None
        if not isinstance(unit, dict) or not isinstance(unit.get("pytorch_source"), str):
            raise BackendError("rules backend: needs the JSON prompt format with unit.pytorch_source "
                               "(do not use --format plain with --backend rules)")
        try:
            result = translate_unit(unit["pytorch_source"], doc.get("context") or "", corpus_dirs=self.corpus_dirs)
        except SyntaxError as exc:
            raise BackendError(f"rules backend: unit {unit.get('name')!r} does not parse: {exc.msg}") from None
        text = json.dumps({"jax_code": result.code, "notes": result.notes,
                           "untranslated": [u.to_dict() for u in result.untranslated]})
        return Completion(text=text, model=self.model or self.name,
                          prompt_tokens=sum(self.count_tokens(m["content"]) for m in request.messages),
                          output_tokens=self.count_tokens(text), seconds=time.perf_counter() - start)
