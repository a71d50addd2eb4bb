"""Recorded answers keyed by case and configuration, for replaying an ablation without a model.

The `replay` backend hands out answers in order, which cannot work when cases
run concurrently and configurations differ in how many calls they make. An
answers file for an evaluation therefore names its answers:

    {"description": "...",
     "answers": {"level1/gelu_tanh": {"*": ["<answer>"],
                                      "replay.json.none.k0.r1": ["<wrong>", "<right>"]}}}

Each (case, configuration) gets a fresh `ReplayBackend` queued with the list
for its configuration id, else the list under "*". The n-th call of that one
translation (the translation, then each repair) gets the n-th answer. A case
with no answers for a configuration is reported as skipped, not failed,
because nothing was asked of a model.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import BackendError


class KeyedAnswers:
    def __init__(self, answers: dict[str, dict[str, list[str]]], path: str = "<answers>"):
        self.path = path
        self.answers = answers

    @classmethod
    def load(cls, path: str | Path) -> "KeyedAnswers":
        p = Path(path)
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BackendError(f"replay answers file {p} does not exist") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BackendError(f"{p}: not a JSON answers file ({exc})") from None
        answers = doc.get("answers") if isinstance(doc, dict) else None
        if not isinstance(answers, dict):
            raise BackendError(f"{p}: an evaluation answers file is an object with an 'answers' mapping "
                               "case id -> configuration id (or '*') -> list of answers")
        for case, by_config in answers.items():
            if not isinstance(by_config, dict) or not all(
                    isinstance(v, list) and all(isinstance(a, str) for a in v) for v in by_config.values()):
                raise BackendError(f"{p}: answers for {case!r} must map configuration ids to lists of strings")
        return cls(answers, str(p))

    def for_job(self, case_id: str, config_id: str) -> list[str] | None:
        by_config = self.answers.get(case_id)
        if by_config is None:
            return None
        return by_config.get(config_id, by_config.get("*"))

    def backend(self, case_id: str, config_id: str):
        """A ReplayBackend queued with this job's answers, or None when there are none."""
        from ..backends import get_backend

        answers = self.for_job(case_id, config_id)
        if answers is None:
            return None
        return get_backend("replay", answers=answers)
