"""The runtime helpers of translated training programs, read as source for pasting into a translation.

The helpers (`ArrayDataset`, `DataLoader`, `save_checkpoint`, `t2j_multinomial`...) are ordinary
modules of this package (`data_helpers.py`, `checkpoint_helpers.py`, `random_helpers.py`): importable,
linted and tested like any other code. A translation does not import them; it carries a copy of
each top-level definition it uses. This module cuts those definitions out of the helper files with
`ast`, together with the other helpers each one calls and the module-level imports it needs, so
the engine can paste exactly the source that was tested.

The trade-off: the source is read from the files, not from the imported objects, so listing the
helpers never imports jax or flax (the CLI stays fast), at the price of a rule the helper files
must follow: only imports, top-level functions, classes and simple assignments, each
self-contained apart from the imports and the other helpers of the same files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# The helper files, in one visible list; a new family of helpers is added here.
HELPER_FILES = ("helpers.py", "data_helpers.py", "checkpoint_helpers.py", "random_helpers.py")


@dataclass(frozen=True)
class PastedHelper:
    """One top-level definition of a helper file, ready to paste.

    `depends` names the other helpers it uses (paste them first); `imports` holds the import
    lines it needs at the top of the translated file, e.g. ("import numpy as np",).
    """

    name: str
    source: str
    depends: tuple[str, ...]
    imports: tuple[str, ...]


def _defined_name(node: ast.stmt) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    return None


def _used_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def read_helper_file(path: Path) -> dict[str, PastedHelper]:
    """Every top-level definition of one helper file; anything else at top level is an error.

    A file holding `import numpy as np` and `def f(x): return np.asarray(g(x))` (with `g` also
    defined there) gives {"f": PastedHelper("f", <source>, ("g",), ("import numpy as np",)), "g": ...}.
    """
    text = path.read_text()
    tree = ast.parse(text)
    lines = text.splitlines()
    imports: dict[str, str] = {}  # the name an import binds -> its source line
    defs: list[tuple[str, ast.stmt]] = []
    for i, node in enumerate(tree.body):
        if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                imports[bound] = ast.unparse(ast.Import(names=[alias]) if isinstance(node, ast.Import)
                                             else ast.ImportFrom(module=node.module, names=[alias], level=0))
            continue
        name = _defined_name(node)
        if name is None:
            raise ValueError(f"{path.name}:{node.lineno}: only imports and definitions may be at top level")
        defs.append((name, node))
    names = {name for name, _ in defs}
    helpers = {}
    for name, node in defs:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        source = "\n".join(lines[first - 1:node.end_lineno]) + "\n"
        used = _used_names(node)
        helpers[name] = PastedHelper(name, source, tuple(sorted((used & names) - {name})),
                                     tuple(imports[n] for n in sorted(used & set(imports))))
    return helpers


@lru_cache(maxsize=1)
def training_helpers() -> dict[str, PastedHelper]:
    """All helpers of the files in HELPER_FILES, by name (a name defined twice is an error)."""
    out: dict[str, PastedHelper] = {}
    here = Path(__file__).parent
    for filename in HELPER_FILES:
        for name, helper in read_helper_file(here / filename).items():
            if name in out:
                raise ValueError(f"helper {name} is defined in two helper files")
            out[name] = helper
    return out


def helper_names() -> list[str]:
    """Every helper that can be pasted, in file order."""
    return list(training_helpers())


def helper_closure(names) -> list[str]:
    """The named helpers and everything they use, dependencies first (ties in name order)."""
    helpers = training_helpers()
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        if name not in helpers:
            raise KeyError(f"no training helper named {name}")
        for dep in helpers[name].depends:
            visit(dep)
        order.append(name)

    for name in sorted(names):
        visit(name)
    return order


def helper_source(names) -> str:
    """The source to paste for the named helpers (with their dependencies), without imports."""
    helpers = training_helpers()
    return "\n\n".join(helpers[n].source for n in helper_closure(names))


def helper_imports(names) -> list[str]:
    """The import lines the named helpers need, e.g. ["import jax", "import numpy as np"]."""
    helpers = training_helpers()
    return sorted({line for n in helper_closure(names) for line in helpers[n].imports})


with_dependencies = helper_closure
