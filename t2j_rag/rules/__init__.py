"""The rules engine: a deterministic PyTorch -> Flax NNX translator that needs no LLM.

`translate_unit(source, context)` translates one unit (class, function or
module-level code) with the mapping rules stored in the corpus notes'
`[[rules]]` front matter (`table.py`) plus the code-level handlers for layout,
pooling, containers and multi-result tensor functions. Anything it cannot
translate stays in the output under a `# TODO(t2j)` comment and is listed in
the result, so callers can report the unit as partial.

The trade-off: the engine is exact for the constructs it knows and honest about
the rest, instead of approximating; an LLM backend can complete its draft
(`translate --draft rules`).
"""

from __future__ import annotations

from .context import Untranslated
from .engine import UnitTranslation
from .table import RuleTable, load_rules


def translate_unit(source: str, context: str = "", table: RuleTable | None = None,
                   corpus_dirs: list | None = None) -> UnitTranslation:
    """Translate one unit's PyTorch source; `context` holds the file's imports and constants."""
    from .engine import translate_unit as _translate

    return _translate(source, context, table if table is not None else load_rules(corpus_dirs))


__all__ = ["RuleTable", "UnitTranslation", "Untranslated", "load_rules", "translate_unit"]
