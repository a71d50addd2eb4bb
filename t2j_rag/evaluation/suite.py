"""Load an evaluation suite: a directory of KernelBench-style PyTorch files, with optional references.

A case is `<name>.py` defining a `Model` class, `get_inputs()` and
`get_init_inputs()`; `<name>_ref.py` beside it, when present, is a reference
JAX translation used for CodeBLEU. The level of a case is the name of the
directory it sits in (relative to the suite root), so `evals/level2/x.py` is
case `level2/x` at level `level2`.

The check is static (an AST walk, nothing is executed), which keeps loading a
large foreign suite instant and safe; the price is that a file whose `Model`
only exists after running code (built by a factory, say) is not recognised.
Files that are not cases are listed in `Suite.skipped` with the reason, not
silently dropped.
"""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

REQUIRED = ("Model", "get_inputs", "get_init_inputs")
REF_SUFFIX = "_ref"


@dataclass
class Case:
    id: str  # "<level>/<name>", or "<name>" for a file at the suite root
    level: str
    name: str
    path: str
    torch_code: str
    ref_code: str | None = None


@dataclass
class Suite:
    root: str
    cases: list[Case]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def select(self, patterns: list[str] | tuple[str, ...]) -> "Suite":
        """The cases whose id or name matches any glob pattern (all cases for no patterns)."""
        if not patterns:
            return self
        kept = [c for c in self.cases if any(fnmatch.fnmatch(c.id, p) or fnmatch.fnmatch(c.name, p) for p in patterns)]
        if not kept:
            raise InputError(f"no case in {self.root} matches {', '.join(patterns)}")
        return Suite(self.root, kept, self.skipped)


def missing_definitions(code: str) -> list[str]:
    """Which of Model / get_inputs / get_init_inputs the module does not define at top level."""
    tree = ast.parse(code)
    defined = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    return [name for name in REQUIRED if name not in defined]


def load_suite(root: str | Path) -> Suite:
    """Every KernelBench-style case under `root` (recursively), sorted by id."""
    base = Path(root)
    if not base.is_dir():
        raise InputError(f"suite directory not found: {base}")
    cases: list[Case] = []
    skipped: list[tuple[str, str]] = []
    for path in sorted(base.rglob("*.py")):
        if path.stem.endswith(REF_SUFFIX) or path.name.startswith(("_", ".")):
            continue
        try:
            code = path.read_text(encoding="utf-8")
            missing = missing_definitions(code)
        except UnicodeDecodeError:
            skipped.append((str(path), "not UTF-8 text"))
            continue
        except SyntaxError as exc:
            skipped.append((str(path), f"syntax error at line {exc.lineno}"))
            continue
        if missing:
            skipped.append((str(path), "does not define " + ", ".join(missing)))
            continue
        rel = path.relative_to(base)
        level = rel.parent.as_posix() if rel.parent != Path(".") else "-"
        case_id = rel.with_suffix("").as_posix()
        ref = path.with_name(path.stem + REF_SUFFIX + ".py")
        cases.append(Case(case_id, level, path.stem, str(path), code,
                          ref.read_text(encoding="utf-8") if ref.exists() else None))
    if not cases:
        raise InputError(f"{base}: no KernelBench-style case (a Model class, get_inputs() and get_init_inputs())")
    return Suite(str(base), cases, skipped)
