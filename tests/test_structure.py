"""The package's shape: no import cycles between its modules and no oversized files.

Imports are read with `ast`, not by importing, so function-level imports (the lazy
ones that keep torch and jax out of `t2j-rag --help`) count as edges too: a cycle
hidden inside a function still makes two modules impossible to change apart.

Every module of the package is checked, the rules engine and the lint package included.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "t2j_rag"
EXCLUDED: tuple[str, ...] = ()  # prefixes of "module." to leave out (none)
MAX_LINES = 600


def module_name(path: Path) -> str:
    """t2j_rag/evaluation/grid.py -> "t2j_rag.evaluation.grid"; a package's __init__ is the package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _excluded(name: str) -> bool:
    return (name + ".").startswith(EXCLUDED)


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom, known: set[str]) -> list[str]:
    """The package modules one `from ... import ...` statement depends on.

    `from . import weights` inside t2j_rag.gradients -> ["t2j_rag.weights"];
    `from .equivalence import VerifyResult` -> ["t2j_rag.equivalence"].
    """
    if node.level == 0:
        base = node.module or ""
    else:
        parts = importer.split(".")
        if not is_package:
            parts = parts[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
    if not base.startswith("t2j_rag"):
        return []
    targets = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        targets.append(sub if sub in known else base)
    return [t for t in targets if t in known]


def imports_of(name: str, is_package: bool, source: str, known: set[str]) -> set[str]:
    """The package modules `source` imports anywhere in its body (module level or inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            found.update(_resolve(name, is_package, node, known))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports."""
    modules = package_modules()
    return {name: imports_of(name, path.name == "__init__.py", path.read_text(encoding="utf-8"), set(modules))
            for name, path in modules.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; only components of more than one module (the cycles) are returned.

    >>> strongly_connected({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b']]
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_the_cycle_finder_finds_a_cycle_and_ignores_a_chain():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_function_level_and_relative_imports_count_as_edges():
    known = {"t2j_rag", "t2j_rag.a", "t2j_rag.b", "t2j_rag.c", "t2j_rag.sub", "t2j_rag.sub.d"}
    source = ("import json\nfrom .a import thing\n\n"
              "def f():\n    from . import b\n    from .sub.d import x\n\n"
              "class K:\n    def g(self):\n        import t2j_rag.c\n")
    assert imports_of("t2j_rag.m", False, source, known) == {"t2j_rag.a", "t2j_rag.b", "t2j_rag.c", "t2j_rag.sub.d"}
    assert imports_of("t2j_rag.sub", True, "from ..a import y\nfrom . import d\n", known) == {"t2j_rag.a", "t2j_rag.sub.d"}
    assert imports_of("t2j_rag.sub.d", False, "from .. import a\n", known) == {"t2j_rag.a"}


def test_no_import_cycles_between_package_modules():
    graph = {name: {t for t in targets if not _excluded(t)}
             for name, targets in import_graph().items() if not _excluded(name)}
    assert strongly_connected(graph) == []


def test_no_module_is_longer_than_the_limit():
    too_long = {name: n for name, path in package_modules().items() if not _excluded(name)
                and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert too_long == {}
