"""The handler registry (t2j_rag/rules/registry.py) and the layout of the rules package: one decorator
files every kind of handler, every handler module is in the one list, and no module of the package
registers or imports anything behind the reader's back (no import cycle, no import inside a function)."""

import ast
from pathlib import Path

import pytest

from t2j_rag.rules import handlers, registry, translate_unit

RULES = Path(registry.__file__).parent
CONTEXT = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"


def test_the_api_name_chooses_the_table():
    assert registry.table_for("torch.Tensor.view") is handlers.METHOD_HANDLERS
    assert registry.table_for("torch.nn.Conv2d") is handlers.LAYER_HANDLERS
    assert registry.table_for("torch.nn.functional.conv2d") is handlers.FUNCTION_HANDLERS
    assert registry.table_for("torch.nn.Transformer.generate_square_subsequent_mask") is handlers.FUNCTION_HANDLERS
    assert handlers.LAYER_HANDLERS["torch.nn.Conv2d"] and handlers.FUNCTION_HANDLERS["torch.nn.functional.conv2d"]


def test_an_api_has_exactly_one_handler():
    before = dict(handlers.FUNCTION_HANDLERS)
    with pytest.raises(ValueError, match="torch.zeros has two handlers"):
        registry.register("torch.zeros")(lambda tr, args, keywords: None)
    assert handlers.FUNCTION_HANDLERS == before


def test_a_method_handler_gets_its_receiver_first_and_refusals_name_the_call():
    res = translate_unit("def f(x):\n    return x.topk(2, dim=1)[0] + torch.topk(x, 2)[0]\n", CONTEXT)
    assert not res.untranslated and "t2j_topk(x, 2, dim=1)" in res.code and "t2j_topk(x, 2)" in res.code
    res = translate_unit("def f(x):\n    return x.topk(2, bogus=1)\n", CONTEXT)
    assert [u.construct for u in res.untranslated] == ["torch.Tensor.topk"]
    res = translate_unit("def f(x):\n    return torch.topk(x, 2, bogus=1)\n", CONTEXT)
    assert [u.construct for u in res.untranslated] == ["torch.topk"]


def test_the_handler_list_names_every_module_of_the_folder():
    files = {p.stem for p in (RULES / "handlers").glob("*.py")} - {"__init__"}
    assert {m.__name__.rsplit(".", 1)[1] for m in handlers.MODULES} == files


@pytest.mark.parametrize("path", sorted((RULES / "handlers").glob("*.py")), ids=lambda p: p.stem)
def test_handler_modules_depend_only_on_the_registry(path):
    if path.stem == "__init__":
        return
    rules_imports = {_target(path, node) for node in ast.walk(ast.parse(path.read_text()))
                     if isinstance(node, ast.ImportFrom) and node.level}
    assert rules_imports == {"t2j_rag.rules.registry"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(RULES.parent.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _target(path: Path, node: ast.ImportFrom) -> str:
    package = _module_name(path).split(".")
    if path.stem != "__init__":
        package = package[:-1]
    base = package[:len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _rules_imports(path: Path) -> tuple[set[str], list[int]]:
    """Modules of the rules package `path` imports at top level, and lines importing one anywhere else."""
    tree = ast.parse(path.read_text())
    top, late = set(), []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            base = _target(path, node)
            names = [f"{base}.{a.name}" for a in node.names]
            found = [n for n in names if _exists(n)] or [base]
        else:
            found = [a.name for a in getattr(node, "names", []) if a.name.startswith("t2j_rag.rules")]
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("t2j_rag.rules"):
                found = [node.module]
        if not found or not all(f.startswith("t2j_rag.rules") for f in found):
            continue
        if node in tree.body:
            top.update(found)
        else:
            late.append(node.lineno)
    return top, late


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[2:])
    return (RULES / rel).with_suffix(".py").exists() or (RULES / rel / "__init__.py").exists()


def test_the_rules_package_has_no_import_cycle_and_no_late_import():
    graph, late = {}, {}
    for path in sorted(RULES.rglob("*.py")):
        top, lines = _rules_imports(path)
        graph[_module_name(path)] = top - {_module_name(path)}
        if lines:
            late[_module_name(path)] = lines
    assert not late
    assert "noqa: E402" not in "".join(p.read_text() for p in RULES.rglob("*.py"))
    done, stack = set(), []

    def visit(module):
        assert module not in stack, " -> ".join(stack[stack.index(module):] + [module])
        if module in done:
            return
        stack.append(module)
        for dep in sorted(graph.get(module, ())):
            visit(dep)
        stack.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
