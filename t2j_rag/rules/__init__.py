"""The rules engine: a deterministic PyTorch -> Flax NNX translator that needs no LLM.

`translate_unit(source, context)` translates one unit (class, function or
module-level code) with the mapping rules stored in the corpus notes'
`[[rules]]` front matter (`table.py`) plus the code-level handlers of
`handlers/` (layout, pooling, containers, multi-result tensor functions...),
which paste runtime helpers from `runtime/` where a call needs one. Anything it
cannot translate stays in the output under a `# TODO(t2j)` comment and is listed
in the result, so callers can report the unit as partial. README.md in this
folder maps the modules and says how to add a handler or a helper.

The trade-off: the engine is exact for the constructs it knows and honest about
the rest, instead of approximating; an LLM backend can complete its draft
(`translate --draft rules`).
"""

from __future__ import annotations

from . import engine
from .context import Untranslated
from .engine import UnitTranslation
from .table import RuleTable, load_rules


def translate_unit(source: str, context: str = "", table: RuleTable | None = None,
                   corpus_dirs: list | None = None) -> UnitTranslation:
    """Translate one unit's PyTorch source; `context` holds the file's imports and constants."""
    return engine.translate_unit(source, context, table if table is not None else load_rules(corpus_dirs))


__all__ = ["RuleTable", "UnitTranslation", "Untranslated", "load_rules", "translate_unit"]
