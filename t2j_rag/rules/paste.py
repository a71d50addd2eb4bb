"""The runtime helpers as source text: which helpers exist, what each one needs, and the text to paste.

The helpers are ordinary modules in `t2j_rag/rules/runtime/` (see its docstring for the layout they
follow). This module parses those files with `ast` and never imports them, so translating does not
load jax: each top-level definition becomes a `Helper` with its exact source lines (docstring and
comments included), the other helpers it uses and the import lines it needs, all computed from the
names the code uses. `helper_source` returns the helpers a translation asked for plus everything
they depend on, dependencies first.

The trade-off: dependencies are found by name, not by scope analysis, so a local variable named
like a helper would count as a use (helper names are distinctive: `t2j_*`, `*NCHW`, `Torch*`); in
exchange nobody keeps a dependency table by hand.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .runtime import MODULES

RUNTIME_DIR = Path(__file__).resolve().parent / "runtime"
# Every translation starts with these imports, so a helper that uses jax, jnp or nnx needs nothing pasted.
HEADER = ("import jax", "import jax.numpy as jnp", "from flax import nnx")


@dataclass(frozen=True)
class Helper:
    """One pasteable definition: `names` it defines (the first is its key), its source `text`, the
    helpers it `uses` (their keys) and the `imports` lines its code relies on, both sorted."""

    module: str
    names: tuple[str, ...]
    text: str
    uses: tuple[str, ...]
    imports: tuple[str, ...]


def _defined(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [t.id for t in targets if isinstance(t, ast.Name)]
    raise ValueError(f"line {node.lineno}: a runtime helper module holds only imports, defs, classes and "
                     f"assignments, not {type(node).__name__}")


def _first_line(node: ast.stmt, lines: list[str]) -> int:
    """1-based first line of `node` including its decorators and the comment lines right above it."""
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    while start > 1 and lines[start - 2].lstrip().startswith("#"):
        start -= 1
    return start


def _names_used(nodes: list[ast.stmt]) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


# A top-level `def NAME`, `class NAME` or `NAME = ...` line (tests check this agrees with the parse).
_TOP_LEVEL_NAME = re.compile(r"^(?:def|class)\s+(\w+)|^(\w+)\s*(?::[^=\n]*)?=(?!=)", re.M)


@lru_cache(maxsize=1)
def _modules_by_name() -> dict[str, str]:
    """Helper name -> runtime module, from a line scan (no parse: rule loading asks for the names, and
    parsing every module would cost more than loading the rules)."""
    found: dict[str, str] = {}
    for module in MODULES:
        text = (RUNTIME_DIR / f"{module}.py").read_text()
        if text.startswith('"""'):
            text = text[text.index('"""', 3) + 3:]
        for m in _TOP_LEVEL_NAME.finditer(text):
            name = m.group(1) or m.group(2)
            if name in found:
                raise ValueError(f"runtime helper {name} is defined in both {found[name]} and {module}")
            found[name] = module
    return found


@lru_cache(maxsize=1)
def helper_names() -> frozenset[str]:
    """Names a handler or a data rule can ask for (`t2j_pool`, `ConvNCHW`...)."""
    return frozenset(_modules_by_name())


@lru_cache(maxsize=None)
def parse_module(module: str) -> tuple[list[tuple[list[str], list[ast.stmt], str]], dict, dict]:
    """One runtime module as (groups of (names, statements, text)), absolute imports {bound name: line}
    and relative imports {bound name: helper name}."""
    text = (RUNTIME_DIR / f"{module}.py").read_text()
    lines = text.splitlines()
    tree = ast.parse(text)
    body = tree.body[1:] if tree.body and isinstance(tree.body[0], ast.Expr) \
        and isinstance(tree.body[0].value, ast.Constant) else tree.body
    imports: dict[str, str] = {}
    relative: dict[str, str] = {}
    groups: list[tuple[list[str], list[ast.stmt], int, int]] = []
    for node in body:
        if isinstance(node, ast.Import):
            for a in node.names:
                imports[a.asname or a.name.split(".")[0]] = ast.unparse(ast.Import(names=[a]))
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                relative.update({a.asname or a.name: a.name for a in node.names})
            elif node.module != "__future__":
                for a in node.names:
                    imports[a.asname or a.name] = ast.unparse(ast.ImportFrom(module=node.module, names=[a], level=0))
            continue
        names, start = _defined(node), _first_line(node, lines)
        if groups and start == groups[-1][3] + 1:  # no blank line in between: one helper
            groups[-1] = (groups[-1][0] + names, groups[-1][1] + [node], groups[-1][2], node.end_lineno)
        else:
            groups.append((names, [node], start, node.end_lineno))
    out = [(names, nodes, "\n".join(lines[a - 1:b]) + "\n") for names, nodes, a, b in groups]
    return out, imports, relative


def _key(name: str) -> tuple[str, str]:
    """(module, first name) of the helper that defines `name`: `T2jMinMax` -> ("tensor", "T2jValuesIndices")."""
    module = _modules_by_name().get(name)
    if module is None:
        raise KeyError(f"{name} is not a runtime helper")
    return module, next(names[0] for names, _, _ in parse_module(module)[0] if name in names)


def helper(name: str) -> Helper:
    """The helper that defines `name`, with its dependencies computed from the names its code uses."""
    return _build(*_key(name))


@lru_cache(maxsize=None)
def _build(module: str, key: str) -> Helper:
    groups, imports, relative = parse_module(module)
    names, nodes, text = next(g for g in groups if g[0][0] == key)
    own = {n for g in groups for n in g[0]}
    uses, needs = set(), set()
    for n in _names_used(nodes) - set(names):
        if n in own or n in relative:
            uses.add(_key(relative.get(n, n))[1])
        elif n in imports:
            needs.add(imports[n])
    return Helper(module, tuple(names), text, tuple(sorted(uses)), tuple(sorted(needs)))


def closure(names) -> list[Helper]:
    """The helpers `names` need, each after the helpers it uses; requested names and each helper's
    dependencies are taken in name order, so the result depends only on the set of names."""
    order: list[Helper] = []
    seen: set[str] = set()  # marked on entry, so mutually recursive helpers cannot loop

    def visit(h: Helper) -> None:
        if h.names[0] in seen:
            return
        seen.add(h.names[0])
        for dep in h.uses:
            visit(helper(dep))
        order.append(h)

    for name in sorted(names):
        visit(helper(name))
    return order


def helper_source(names, present: tuple[str, ...] = HEADER) -> str:
    """Source of the named helpers and their dependencies, dependencies first. An import a helper needs
    that is not in `present` (the translation's header) is pasted right before the first helper using it.

    >>> helper_source(["Pool"]).count("def ")   # t2j_tuple, t2j_pool, and Pool's two methods
    4
    """
    pasted = set(present)
    parts = []
    for h in closure(names):
        extra = [line for line in h.imports if line not in pasted]
        pasted.update(extra)
        parts.append("\n".join(extra) + "\n\n" + h.text if extra else h.text)
    return "\n\n".join(parts)
