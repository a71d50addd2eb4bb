"""The rule table: every `[[rules]]` entry of the corpus notes, indexed by PyTorch API.

Rules are read from the shipped corpus plus any user corpus directories, so a
user adds a mapping by adding a note with a `[[rules]]` table. Loading parses
only front matter (no embedding, no index), which takes a few milliseconds, and
the result is cached per directory list.

The trade-off: a later rule for the same API silently wins over an earlier one
would hide mistakes, so two rules for one API are a CorpusError instead, even
when a user would like to override a shipped mapping (they can fix the shipped
note instead).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import CorpusError
from .schema import Rule, parse_rules


class RuleTable:
    """Rules by torch API name; `notes` maps each API to the note that explains it."""

    def __init__(self, rules: list[Rule]) -> None:
        self.by_api: dict[str, Rule] = {}
        for rule in rules:
            for api in rule.torch:
                if api in self.by_api:
                    raise CorpusError(f"two rules map {api}: notes {self.by_api[api].note} and {rule.note}")
                self.by_api[api] = rule

    def get(self, api: str | None) -> Rule | None:
        return self.by_api.get(api) if api else None

    def methods(self) -> set[str]:
        """Tensor method names with a rule (`sum` for torch.Tensor.sum)."""
        return {a.rsplit(".", 1)[1] for a in self.by_api if a.startswith("torch.Tensor.")}

    def __len__(self) -> int:
        return len(self.by_api)


def rules_from_entries(entries) -> RuleTable:
    rules: list[Rule] = []
    for e in entries:
        if e.kind == "note" and "rules" in e.extra:
            rules += parse_rules(e.extra["rules"], e.torch_apis, e.path, e.id)
    return RuleTable(rules)


@lru_cache(maxsize=8)
def _load(dirs: tuple[str, ...]) -> RuleTable:
    from ..corpus import load_corpus

    return rules_from_entries(load_corpus([Path(d) for d in dirs]))


def load_rules(extra_dirs: list[str | Path] | None = None) -> RuleTable:
    """The shipped corpus's rules plus those of `extra_dirs` (user corpora)."""
    from ..resources import shipped_corpus_dir

    dirs = [str(shipped_corpus_dir())] + [str(Path(d).expanduser()) for d in (extra_dirs or [])]
    return _load(tuple(dirs))
