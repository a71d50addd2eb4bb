"""Static checks for translated JAX code: known PyTorch->JAX pitfalls, found with `ast`.

The verifier runs `lint_jax` before executing a translation. Each finding names
the line, says what to write instead, and points to the corpus note that
explains the pitfall, so the repair prompt can show that note.

The trade-off: these are syntactic heuristics, not type inference. We do not
know whether `x` is a jax array or a Python list, whether `__call__` will be
jitted, or which PyTorch layer a Flax layer came from. Every rule therefore
fires only on patterns that are wrong in (nearly) every program, and stays
silent when in doubt: a missed pitfall is still caught by the numerical check,
while a false alarm would send the repair loop after a bug that is not there.
Rules that compare against PyTorch defaults (momentum, epsilon, GELU, std) only
fire when the PyTorch source is given and shows what it used.

Example::

    for f in lint_jax(jax_code, torch_code):
        print(f.line, f.rule, f.message, f.note)

Layout: `rule` (the `Rule`, `Hit` and `Finding` records), `context` (what every
check may ask about the file), `torch_facts` (what the PyTorch source used),
`traced` and `containers` (which values are traced under jit, which are Python
containers), one module per rule family (`torch_leftovers`, `mutation`,
`traced_python`, `randomness`, `defaults`, `modules`, `layout`), and `registry`,
the one list of rules.

Adding a rule:

1. In the family's module (or a new one), write `check(ctx: LintContext)`
   yielding `Hit(node, message)` (or `Hit(node, message, note)` for a note
   other than the rule's main one), and beside it the record
   `MY_RULE = Rule(id="my-rule", description="one line", notes=("main-note", ...), check=check)`.
2. Add `family.MY_RULE` to `ALL_RULES` in `registry.py`.
3. Write the notes in `corpus/notes/` if they do not exist (a test checks), and
   tests in `tests/test_lint.py`: the rule fires on its pitfall, stays quiet on
   the corpus.
"""

from __future__ import annotations

import ast

from ..errors import InputError
from .context import LintContext
from .registry import ALL_RULES
from .rule import Finding, Hit, Rule
from .torch_facts import TorchFacts

# Views of the registry by rule id: what each rule checks, and the notes its findings point to
# (the main note first).
RULES: dict[str, str] = {r.id: r.description for r in ALL_RULES}
NOTES: dict[str, tuple[str, ...]] = {r.id: r.notes for r in ALL_RULES}


def lint_jax(code: str, torch_code: str | None = None) -> list[Finding]:
    """Check translated JAX code; `torch_code` (the source it came from) enables the default-comparing rules.

    Returns the findings sorted by line, at most one per rule and line (the
    first the rule reports). A syntax error gives a single `syntax` finding;
    any other valid Python never raises.
    """
    if not isinstance(code, str):
        raise InputError(f"lint_jax needs the JAX code as a string, got {type(code).__name__}")
    if torch_code is not None and not isinstance(torch_code, str):
        raise InputError(f"lint_jax needs the PyTorch code as a string, got {type(torch_code).__name__}")
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return [Finding("syntax", exc.lineno or 1, f"SyntaxError: {exc.msg}", None)]
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        return [Finding("syntax", 1, f"cannot parse the code: {exc}", None)]
    ctx = LintContext(tree, TorchFacts.from_source(torch_code))
    findings: dict[tuple[int, str], Finding] = {}
    for rule in ALL_RULES:
        for hit in rule.check(ctx):
            line = getattr(hit.node, "lineno", 1)
            findings.setdefault((line, rule.id), Finding(rule.id, line, hit.message, hit.note or rule.notes[0]))
    return sorted(findings.values(), key=lambda f: (f.line, f.rule))


__all__ = ["ALL_RULES", "NOTES", "RULES", "Finding", "Hit", "LintContext", "Rule", "lint_jax"]
