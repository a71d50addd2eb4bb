"""Which names plainly hold mutable Python containers (lists, dicts, sets, numpy arrays).

Item assignment and `.append` are fine on these and wrong on jax arrays, so the
inplace-mutation rule skips them and the plain-module-list rule follows the
lists a constructor fills with layers. The trade-off: a name counts only when
this scope shows it built as a container (a literal, `list()`, `np.zeros`,
`defaultdict`...) or annotated as one; anything else might be an array.
"""

from __future__ import annotations

import ast

from ..aliases import dotted
from .context import LintContext
from .syntax import scope_nodes

_CONTAINER_ANNOTATIONS = ("dict", "list", "Dict", "List", "MutableMapping", "MutableSequence", "defaultdict",
                          "OrderedDict", "set")


def container_names(ctx: LintContext, scope: ast.AST) -> set[str]:
    """Names that are plainly Python lists/dicts/sets or numpy arrays (mutable, so item assignment is fine)."""
    names: set[str] = set()
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        a = scope.args
        for arg in a.posonlyargs + a.args + a.kwonlyargs:
            ann = (dotted(arg.annotation.value) if isinstance(arg.annotation, ast.Subscript)
                   else dotted(arg.annotation)) if arg.annotation is not None else None
            if ann and ann.rsplit(".", 1)[-1] in _CONTAINER_ANNOTATIONS:
                names.add(arg.arg)
        if a.kwarg is not None:
            names.add(a.kwarg.arg)
    for node in scope_nodes(scope):
        if isinstance(node, ast.Assign):
            value, targets = node.value, node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            value, targets = node.value, [node.target]
        else:
            continue
        for t in targets:
            if isinstance(t, ast.Name) and is_container_value(ctx, value):
                names.add(t.id)
            elif isinstance(t, ast.Tuple) and isinstance(value, ast.Tuple) and len(t.elts) == len(value.elts):
                names |= {e.id for e, v in zip(t.elts, value.elts)  # a, b = {}, []
                          if isinstance(e, ast.Name) and is_container_value(ctx, v)}
    return names


def is_container_value(ctx: LintContext, value: ast.AST) -> bool:
    """`[]`, `[0] * n`, `dict(...)`, `np.zeros(3)`, `defaultdict(list)`, `xs.copy()` on one of these."""
    if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return True
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):  # [0] * n
        return isinstance(value.left, ast.List) or isinstance(value.right, ast.List)
    if isinstance(value, ast.Call):
        name = ctx.canon(value.func)
        if name in ("list", "dict", "set", "bytearray") or name.startswith(("collections.", "numpy.", "copy.")):
            return True
        if name.rsplit(".", 1)[-1] in ("defaultdict", "OrderedDict", "Counter", "deque"):
            return True
        # methods of a numpy array or list (np.zeros(3).astype(...), xs.copy()) keep it one
        if isinstance(value.func, ast.Attribute):
            return is_container_value(ctx, value.func.value)
    return False
