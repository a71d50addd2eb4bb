"""The plain-module-list rule: submodules kept in a plain list, tuple or dict on an nnx.Module.

Flax 0.12 rejects an nnx.Module attribute that is a plain Python container of
submodules or Variables; it must be `nnx.List([...])` or `nnx.Dict({...})`
(PyTorch's `nn.ModuleList` translated as a list is the usual cause). The rule
looks at `__init__` of the file's nnx.Module classes, for containers written
as literals or comprehensions of layers and for local lists that layers are
appended to before being stored. The trade-off: a list built elsewhere (a
helper function's return value) is not followed, so it can slip through.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .containers import container_names
from .context import LintContext
from .rule import Hit, Rule
from .syntax import is_self_attribute

_NNX_DATA = {"Param", "Variable", "BatchStat", "Cache", "Intermediate"}


def check_plain_module_list(ctx: LintContext) -> Iterator[Hit]:
    for cls in ctx.nnx_classes.values():
        methods = {f.name: f for f in cls.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
        if "__init__" in methods:
            yield from _plain_lists(ctx, methods["__init__"])


def _plain_lists(ctx: LintContext, init) -> Iterator[Hit]:
    appended: dict[str, bool] = {}  # local list name -> a layer was appended to it
    lists = container_names(ctx, init)
    for node in ast.walk(init):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("append", "extend", "insert") and isinstance(node.func.value, ast.Name)
                and node.func.value.id in lists):
            if any(_holds_layers(ctx, a) or ctx.is_layer_call(a) for a in node.args):
                appended[node.func.value.id] = True
    for node in ast.walk(init):
        if not isinstance(node, ast.Assign):
            continue
        for t in node.targets:
            if not is_self_attribute(t):
                continue
            v = node.value
            if _holds_layers(ctx, v) or (isinstance(v, ast.Name) and appended.get(v.id)):
                wrapper = "nnx.Dict({...})" if isinstance(v, (ast.Dict, ast.DictComp)) else "nnx.List([...])"
                yield Hit(node, f"self.{t.attr} holds submodules in a plain Python container, which flax 0.12 "
                                f"rejects: wrap it as self.{t.attr} = {wrapper}")


def _holds_layers(ctx: LintContext, v: ast.AST) -> bool:
    """A list/tuple/set/dict (literal, comprehension or `list(...)` of one) with a layer or Variable in it."""
    def layer_or_data(e: ast.AST) -> bool:
        if ctx.is_layer_call(e):
            return True
        if not isinstance(e, ast.Call):
            return False
        name = ctx.canon(e.func)
        return name.rsplit(".", 1)[-1] in _NNX_DATA and name.startswith("flax.nnx.")

    if isinstance(v, (ast.List, ast.Tuple, ast.Set)):
        return any(layer_or_data(e) for e in v.elts)
    if isinstance(v, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
        return layer_or_data(v.elt)
    if isinstance(v, ast.Dict):
        return any(layer_or_data(e) for e in v.values)
    if isinstance(v, ast.DictComp):
        return layer_or_data(v.value)
    if isinstance(v, ast.Call) and ctx.canon(v.func) in ("list", "tuple", "dict") and len(v.args) == 1:
        return _holds_layers(ctx, v.args[0])
    return False


PLAIN_MODULE_LIST = Rule(
    id="plain-module-list",
    description="plain list/tuple/dict of submodules in an nnx.Module (needs nnx.List / nnx.Dict)",
    notes=("modules-containers-list-dict",),
    check=check_plain_module_list,
)
