"""Which parameters a torch optimizer trains, read from its `params` argument, as nnx.Optimizer's model and wrt.

`model.parameters()` (also wrapped in `list(...)`, `filter(lambda p: p.requires_grad, ...)` or a comprehension
with that condition) trains the whole model: `nnx.Optimizer(model, tx, wrt=nnx.Param)`. `model.fc.parameters()`
trains a submodule: the optimizer still wraps `model` (so `optimizer.update(model, grads)` works on the
gradients of the whole model) with `wrt=params_of(model, model.fc)`, a filter of the submodule's parameter
paths computed at run time from the objects themselves. Parameter groups (a list of dicts) are read here too.

The trade-off: the analysis is syntactic. Parameters held in a variable, selected by name
(`named_parameters()` filters) or drawn from two different models cannot be told apart without running the
program, so they are reported as unsupported instead of guessed. The model is the root of the attribute
chain (`model` in `model.fc`, `self.model` in `self.model.fc`) unless the caller says otherwise.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..registry import Unsupported
from .binding import literal


@dataclass(frozen=True)
class Selection:
    """The parameters one torch param group holds: all of `model`'s, or those of `modules` inside it."""

    model: ast.expr
    modules: tuple[ast.expr, ...] | None = None  # None: every parameter of `model`

    def merge(self, other: "Selection", construct: str) -> "Selection":
        if ast.dump(self.model) != ast.dump(other.model):
            raise Unsupported(construct, f"parameters of several models ({ast.unparse(self.model)}, "
                                         f"{ast.unparse(other.model)}) in one optimizer: nnx.Optimizer updates "
                                         f"one model; use one optimizer per model")
        if self.modules is None or other.modules is None:
            return Selection(self.model)
        return Selection(self.model, self.modules + other.modules)


@dataclass(frozen=True)
class ParamGroup:
    """One torch param group: its parameters and its hyperparameter overrides (torch names -> ast)."""

    selection: Selection
    overrides: dict[str, ast.expr]


def _chain(node: ast.expr) -> list[ast.expr]:
    """`a.b.c` -> [a, a.b, a.b.c]; [] when the node is not a plain attribute chain."""
    chain = []
    while isinstance(node, ast.Attribute):
        chain.append(node)
        node = node.value
    if not isinstance(node, ast.Name):
        return []
    chain.append(node)
    return chain[::-1]


def _module_selection(construct: str, module: ast.expr, model: ast.expr | None) -> Selection:
    chain = _chain(module)
    if model is None:
        if not chain:
            raise Unsupported(construct, f"cannot tell which model `{ast.unparse(module)}` belongs to")
        model = chain[1] if chain[0].id == "self" and len(chain) > 1 else chain[0]
    if ast.dump(model) == ast.dump(module):
        return Selection(model)
    return Selection(model, (module,))


def _is_requires_grad_filter(node: ast.expr) -> bool:
    """`lambda p: p.requires_grad`."""
    return (isinstance(node, ast.Lambda) and len(node.args.args) == 1 and isinstance(node.body, ast.Attribute)
            and node.body.attr == "requires_grad" and isinstance(node.body.value, ast.Name)
            and node.body.value.id == node.args.args[0].arg)


def select(construct: str, node: ast.expr, model: ast.expr | None = None) -> Selection:
    """The parameters an expression holds. `model.fc.parameters()` -> Selection(model, (model.fc,))."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "parameters":
            recurse = node.keywords[0].value if node.keywords else node.args[0] if node.args else None
            if recurse is not None and literal(recurse) is not True:
                raise Unsupported(construct, "parameters(recurse=False) selects only a module's own parameters")
            return _module_selection(construct, func.value, model)
        name = ast.unparse(func)
        if name in ("list", "tuple", "iter") and len(node.args) == 1 and not node.keywords:
            return select(construct, node.args[0], model)
        if name == "filter" and len(node.args) == 2 and _is_requires_grad_filter(node.args[0]):
            return select(construct, node.args[1], model)
        if name in ("itertools.chain", "chain") and node.args and not node.keywords:
            parts = [select(construct, a, model) for a in node.args]
            return _merge_all(parts, construct)
        if name.endswith("named_parameters"):
            raise Unsupported(construct, "parameters selected by name: torch's names do not map one to one "
                                         "onto nnx paths (kernel/weight, Sequential layers)")
    if isinstance(node, ast.ListComp) and len(node.generators) == 1:
        gen = node.generators[0]
        target_ok = isinstance(node.elt, ast.Name) and isinstance(gen.target, ast.Name) and node.elt.id == gen.target.id
        conds_ok = all(isinstance(c, ast.Attribute) and c.attr == "requires_grad" and isinstance(c.value, ast.Name)
                       and c.value.id == gen.target.id for c in gen.ifs)
        if target_ok and conds_ok and not gen.is_async:
            return select(construct, gen.iter, model)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _merge_all([select(construct, node.left, model), select(construct, node.right, model)], construct)
    if isinstance(node, ast.Name):
        raise Unsupported(construct, f"the parameters are held in a variable (`{node.id}`): the translation needs "
                                     f"the expression it was bound to, e.g. model.parameters()")
    raise Unsupported(construct, f"cannot tell which parameters `{ast.unparse(node)}` holds: expected "
                                 f"model.parameters(), model.sub.parameters() or a list of param-group dicts")


def _merge_all(parts: list[Selection], construct: str) -> Selection:
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part, construct)
    return merged


def param_groups(construct: str, node: ast.expr, hyperparameters: tuple[str, ...],
                 model: ast.expr | None = None) -> list[ParamGroup]:
    """The optimizer's parameter groups: one group unless `params` is a list of dicts. Dict keys that are not
    hyperparameters of the optimizer are kept by torch but unused by it, so they are ignored here too."""
    if not (isinstance(node, (ast.List, ast.Tuple)) and node.elts and all(isinstance(e, ast.Dict) for e in node.elts)):
        return [ParamGroup(select(construct, node, model), {})]
    groups = []
    for entry in node.elts:
        overrides: dict[str, ast.expr] = {}
        params = None
        for key, value in zip(entry.keys, entry.values):
            name = literal(key) if key is not None else None
            if not isinstance(name, str):
                raise Unsupported(construct, "a param group dict with computed keys or ** unpacking")
            if name == "params":
                params = value
            elif name in hyperparameters:
                overrides[name] = value
        if params is None:
            raise Unsupported(construct, "a param group without 'params'")
        groups.append(ParamGroup(select(construct, params, model), overrides))
    models = {ast.dump(g.selection.model) for g in groups}
    if len(models) > 1:
        raise Unsupported(construct, "param groups drawn from several models: nnx.Optimizer updates one model")
    if len(groups) > 1 and any(g.selection.modules is None for g in groups):
        raise Unsupported(construct, "a param group holding all of the model's parameters next to other groups "
                                     "(torch rejects a parameter that appears in two groups)")
    return groups
