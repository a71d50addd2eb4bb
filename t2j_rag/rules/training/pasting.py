"""The source of the training runtime helpers, ready to paste into a translation.

The helpers are ordinary code in `helpers.py` (imported and tested like any module); this module reads that
file's text, so translating never imports jax or optax. Dependencies between helpers and the imports each one
needs are read from the code itself (the names it uses), not kept in a hand-written list that could drift.

The trade-off: a helper is a whole top-level definition; pasting one pastes all of it, docstring included,
which is what a reader of the translation wants to see anyway.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _module() -> tuple[dict[str, str], dict[str, set[str]], dict[str, str]]:
    """(helper name -> source, helper name -> names it reads, import alias -> import line)."""
    text = Path(__file__).with_name("helpers.py").read_text()
    tree = ast.parse(text)
    lines = text.splitlines()
    sources: dict[str, str] = {}
    used: dict[str, set[str]] = {}
    imports: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                line = f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                imports[alias.asname or alias.name.split(".")[0]] = line
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                imports[alias.asname or alias.name] = f"from {node.module} import {alias.name}"
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])  # decorators belong to it
            sources[node.name] = "\n".join(lines[first - 1:node.end_lineno])
            used[node.name] = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return sources, used, imports


def helper_names() -> list[str]:
    """Every helper that can be pasted, in file order."""
    return list(_module()[0])


def with_dependencies(names) -> list[str]:
    """The named helpers and the helpers they use, each after the helpers it uses."""
    sources, used, _ = _module()
    order: list[str] = []

    def visit(name: str, stack: tuple[str, ...] = ()) -> None:
        if name not in sources:
            raise KeyError(f"no training helper named {name!r}")
        if name in order or name in stack:
            return
        for dep in sorted(used[name] & sources.keys() - {name}):
            visit(dep, stack + (name,))
        order.append(name)

    for name in sorted(names):
        visit(name)
    return order


def helper_source(names) -> str:
    """Source of the named helpers and their dependencies, dependencies first, separated by blank lines."""
    sources = _module()[0]
    return "\n\n\n".join(sources[n] for n in with_dependencies(names)) + "\n"


def helper_imports(names) -> list[str]:
    """The import lines the named helpers (and their dependencies) need, e.g. ["import jax", "import optax"]."""
    sources, used, imports = _module()
    needed = set().union(*(used[n] for n in with_dependencies(names))) if names else set()
    return sorted({imports[name] for name in needed if name in imports})
