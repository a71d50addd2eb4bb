"""Split a PyTorch file into translation units, and assemble the translated units into one file.

A unit is a top-level class or function; torch code at module level (`DEVICE =
torch.device(...)`) is gathered into one extra unit named `<module>`. Each unit is
sent to the model on its own, with the file's imports and plain constants as shared
context, and the answers are stitched back together by `assemble`.

The trade-off: translating unit by unit keeps every prompt small enough for a
small model and lets one bad answer fail alone, at the cost of the model not
seeing the other units' translations, so answers may repeat helpers or imports.
`assemble` absorbs that: it merges and deduplicates imports, keeps the first copy
of a repeated definition (preferring the unit that owns the name), and turns a
missing or unparsable answer into a commented-out block so the file still imports.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .aliases import dotted, is_torch_module, torch_aliases
from .apis import extract_apis, is_layer_api
from .errors import InputError

HARNESS = ("get_inputs", "get_init_inputs")
# The context line naming top-level functions that build layers: in Flax they need `rngs`, and
# the units that call them (translated one at a time) must pass it on.
BUILDERS_PREFIX = "# layer-building functions defined in this file (they take rngs in Flax): "
MODULE_UNIT = "<module>"


@dataclass
class Unit:
    """One piece of the source translated in one model call."""

    name: str  # class or function name, or MODULE_UNIT
    kind: str  # "class" | "function" | "module"
    source: str  # exact source text, decorators included
    lineno: int  # 1-based first line (decorators included)
    end_lineno: int
    apis: list[str] = field(default_factory=list)


@dataclass
class SourceFile:
    """A PyTorch file split into units, plus what every unit's prompt shares."""

    path: str
    text: str
    imports: list[str]  # top-level import statements, as source text
    context: str  # imports, plain constants and module-level torch code, shown with every unit
    units: list[Unit]
    harness: list[str]  # get_inputs / get_init_inputs: kept out of units
    constants: list[str] = field(default_factory=list)  # plain statements copied verbatim by assemble


def read_source(path: str | Path) -> SourceFile:
    """Read and split a PyTorch file; every problem with the file is a one-line InputError."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, expected a Python file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    return split_source(text, str(p))


def _segment(lines: list[str], start: int, end: int) -> str:
    return "".join(lines[start - 1 : end]).rstrip() + "\n"


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno] + [d.lineno for d in decorators])


def _is_main_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    sides = [node.test.left, *node.test.comparators]
    names = {s.id for s in sides if isinstance(s, ast.Name)}
    consts = {s.value for s in sides if isinstance(s, ast.Constant)}
    return "__name__" in names and "__main__" in consts


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _bound_names(node: ast.stmt) -> set[str]:
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.add(sub.id)
    return names


def _used_names(node: ast.stmt) -> set[str]:
    return {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load)}


def _layer_builders(tree: ast.Module, aliases: dict[str, str]) -> list[str]:
    """Top-level functions that construct torch.nn layers or this file's nn.Module classes."""
    def resolve(node: ast.AST) -> str:
        name = dotted(node) or ""
        root, _, rest = name.partition(".")
        return f"{aliases[root]}.{rest}" if root in aliases and rest else aliases.get(root, "")

    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)
               and any(resolve(b) == "torch.nn.Module" for b in n.bases)}
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name in HARNESS:
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                if is_layer_api(resolve(sub.func)) or (isinstance(sub.func, ast.Name) and sub.func.id in classes):
                    found.append(node.name)
                    break
    return found


def split_source(text: str, path: str = "<string>") -> SourceFile:
    """Split source text into units; `path` only names the file in messages and the header."""
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise InputError(f"{path}: syntax error at line {exc.lineno}: {exc.msg}") from None
    except ValueError as exc:
        raise InputError(f"{path}: not valid Python source: {exc}") from None

    lines = text.splitlines(keepends=True)
    alias_map = torch_aliases(tree)
    aliases = set(alias_map)
    defined = {
        n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
    }
    # A module-level statement needs translating when it touches torch, a translated
    # definition, or a name an earlier such statement bound; only the rest is "plain".
    tainted = aliases | (defined - set(HARNESS))

    imports: list[str] = []
    constants: list[str] = []
    module_stmts: list[tuple[int, int, str]] = []
    defs: list[tuple[ast.stmt, str, int]] = []
    harness: list[str] = []
    for i, node in enumerate(tree.body):
        start, end = _first_line(node), node.end_lineno or node.lineno
        seg = _segment(lines, start, end)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(seg.rstrip("\n"))
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name in HARNESS and not isinstance(node, ast.ClassDef):
                harness.append(node.name)
            else:
                defs.append((node, seg, start))
        elif _is_main_guard(node) or (i == 0 and _is_docstring(node)):
            continue
        elif _used_names(node) & tainted:
            module_stmts.append((start, end, seg))
            tainted |= _bound_names(node)
        else:
            constants.append(seg.rstrip("\n"))

    if not defs:
        raise InputError(
            f"{path}: nothing to translate (no top-level class or function besides {' / '.join(HARNESS)})"
        )

    prelude = "\n".join(imports) + "\n" if imports else ""
    units: list[Unit] = []
    if module_stmts:
        body = "".join(seg for _, _, seg in module_stmts)
        units.append(
            Unit(MODULE_UNIT, "module", body, module_stmts[0][0], module_stmts[-1][1], extract_apis(prelude + body))
        )
    for node, seg, start in defs:
        kind = "class" if isinstance(node, ast.ClassDef) else "function"
        units.append(Unit(node.name, kind, seg, start, node.end_lineno or start, extract_apis(prelude + seg)))

    builders = _layer_builders(tree, alias_map)
    parts = ["\n".join(imports), "\n".join(constants), "".join(s for _, _, s in module_stmts).rstrip("\n"),
             BUILDERS_PREFIX + ", ".join(builders) if builders else ""]
    context = "\n\n".join(p for p in parts if p) + "\n"
    return SourceFile(path, text, imports, context, units, harness, constants)


# --------------------------------------------------------------------------- assemble


class _Imports:
    """Union of import statements, deduplicated and printed in a stable order."""

    def __init__(self) -> None:
        self.plain: set[tuple[str, str | None]] = set()
        self.froms: dict[tuple[int, str], dict[tuple[str, str | None], None]] = {}

    def add(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for a in node.names:
                if not is_torch_module(a.name):
                    self.plain.add((a.name, a.asname))
        elif not (node.level == 0 and is_torch_module(node.module)):
            names = self.froms.setdefault((node.level, node.module or ""), {})
            for a in node.names:
                names[(a.name, a.asname)] = None

    def lines(self) -> list[str]:
        def alias(name: str, asname: str | None) -> str:
            return f"{name} as {asname}" if asname else name

        future = self.froms.get((0, "__future__"), {})
        out = []
        if future:
            out.append("from __future__ import " + ", ".join(sorted(alias(*a) for a in future)))
        out += [f"import {alias(*a)}" for a in sorted(self.plain, key=lambda a: (a[0], a[1] or ""))]
        for (level, module), names in sorted(self.froms.items()):
            if (level, module) == (0, "__future__"):
                continue
            listed = ", ".join(sorted(alias(*a) for a in names))
            out.append(f"from {'.' * level}{module} import {listed}")
        return out


def _commented(text: str) -> str:
    return "\n".join(f"# {line}".rstrip() for line in text.rstrip("\n").splitlines())


def _todo(unit: Unit, reason: str) -> str:
    return f"# TODO(t2j): {unit.name} {reason}\n{_commented(unit.source)}"


def _def_name(node: ast.stmt) -> str | None:
    if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return node.name
    return None


def _parse_translation(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError):
        return None


def _body_text(code: str, tree: ast.Module, drop: set[int]) -> str:
    """`code` without the top-level statements whose index is in `drop`, comments kept where possible."""
    stmts = tree.body
    spans = [(_first_line(n), n.end_lineno or n.lineno) for n in stmts]
    shares_line = any(spans[i][1] >= spans[i + 1][0] for i in range(len(spans) - 1))
    if shares_line:
        # `import x; y = f()` on one line cannot be cut by lines; lose the comments instead.
        return "\n".join(ast.unparse(n) for i, n in enumerate(stmts) if i not in drop)
    lines = code.splitlines()
    removed: set[int] = set()
    for i in drop:
        removed.update(range(spans[i][0] - 1, spans[i][1]))
    # Lines inside a multi-line string are data: never trim or collapse them.
    literal: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and (node.end_lineno or 0) > node.lineno:
            literal.update(range(node.lineno, node.end_lineno))  # 0-based indices of the lines after the first
    out: list[str] = []
    for j, line in enumerate(lines):
        if j in removed:
            continue
        if j in literal:
            out.append(line)
        elif not line.strip() and (not out or not out[-1].strip()):
            continue  # collapse the blank runs left where imports were
        else:
            out.append(line.rstrip())
    return "\n".join(out).strip("\n")


def assemble(source: SourceFile, translations: dict[str, str]) -> str:
    """One importable JAX file from the per-unit answers (unit name -> code), in source order."""
    imports = _Imports()
    for line in source.imports:
        for node in ast.parse(line).body:
            imports.add(node)

    parsed: dict[str, tuple[str, ast.Module | None]] = {}
    for unit in source.units:
        if unit.name in translations:
            code = textwrap.dedent(translations[unit.name]).strip("\n") + "\n"
            parsed[unit.name] = (code, _parse_translation(code))

    # A name's definition is taken from the unit it belongs to when that unit's
    # answer has it, so a helper pasted early by another unit cannot shadow it.
    owner = {
        unit.name: unit.name
        for unit in source.units
        if unit.name in parsed
        and parsed[unit.name][1] is not None
        and any(_def_name(n) == unit.name for n in parsed[unit.name][1].body)
    }

    seen_defs: set[str] = set()
    seen_stmts = {ast.dump(n) for c in source.constants for n in ast.parse(c).body}
    blocks: list[str] = []
    for unit in sorted(source.units, key=lambda u: u.lineno):
        if unit.name not in parsed:
            blocks.append(_todo(unit, "was not translated"))
            continue
        code, tree = parsed[unit.name]
        if tree is None:
            blocks.append(_todo(unit, "translation did not parse") + "\n# Answer was:\n" + _commented(code))
            continue
        drop: set[int] = set()
        for i, node in enumerate(tree.body):
            name = _def_name(node)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.add(node)
                drop.add(i)
            elif _is_main_guard(node):
                drop.add(i)  # the output is a module; a demo block in an answer must not run on import
            elif name is not None:
                if name in seen_defs or owner.get(name, unit.name) != unit.name:
                    drop.add(i)
                else:
                    seen_defs.add(name)
            else:
                key = ast.dump(node)
                if key in seen_stmts:
                    drop.add(i)
                else:
                    seen_stmts.add(key)
        body = _body_text(code, tree, drop)
        if body:
            blocks.append(body)

    sections = ["\n".join([f"# Translated from {source.path} by t2j-rag", *imports.lines()])]
    if source.constants:
        sections.append("\n".join(source.constants))
    sections += blocks
    result = "\n\n\n".join(sections) + "\n"
    ast.parse(result)  # every piece parsed on its own; a failure here is a bug, so let it surface
    return result
