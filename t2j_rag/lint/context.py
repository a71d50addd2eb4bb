"""What every lint rule may ask about the JAX file being checked: names, parents, nnx classes, PyTorch facts.

One `LintContext` is built per `lint_jax` call and handed to each rule's
check, so the work all rules share (import aliases, the parent map, which
classes are nnx modules) is done once. The trade-off: it answers from syntax
alone. `canon` follows imports (`jnp.sum` -> `jax.numpy.sum`) but not
assignments, and `is_module_ref` takes any name bound by an import to be a
module or library object rather than a value.
"""

from __future__ import annotations

import ast

from ..aliases import dotted, imported_names
from .syntax import canonical
from .torch_facts import TorchFacts

# Names a translation snippet commonly uses without importing them (a unit's code
# may arrive without the file's import block); the file's own imports win.
DEFAULT_ALIASES = {"jnp": "jax.numpy", "jax": "jax", "nnx": "flax.nnx", "torch": "torch", "np": "numpy"}

# Flax NNX classes that are not layers (so a list of them is not a list of submodules).
NNX_NON_MODULES = {"Rngs", "RngStream", "List", "Dict", "State", "GraphDef", "Optimizer", "Metric", "MultiMetric"}


class LintContext:
    """One parsed JAX file, its imports and nnx.Module classes, and what its PyTorch source showed."""

    def __init__(self, tree: ast.Module, facts: TorchFacts):
        self.tree = tree
        self.facts = facts
        self.aliases = imported_names(tree, DEFAULT_ALIASES)
        self.parents = {c: p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
        self.nnx_classes = self._nnx_module_classes()

    def canon(self, node: ast.AST) -> str:
        """`jnp.sum` -> `jax.numpy.sum` through the file's imports; "" for non-name expressions."""
        return canonical(node, self.aliases)

    def is_module_ref(self, node: ast.AST) -> bool:
        """True when `node` names an imported module or object (jnp, jax.random), not a value."""
        raw = dotted(node)
        return raw is not None and raw.split(".")[0] in self.aliases and raw.split(".")[0] != "self"

    def is_layer_call(self, node: ast.AST) -> bool:
        """`nnx.Linear(...)` or a call of one of the file's own nnx.Module classes."""
        if not isinstance(node, ast.Call):
            return False
        name = self.canon(node.func)
        if name.startswith("flax.nnx."):
            last = name.rsplit(".", 1)[-1]
            return last[:1].isupper() and last not in NNX_NON_MODULES
        return isinstance(node.func, ast.Name) and node.func.id in self.nnx_classes

    def _nnx_module_classes(self) -> dict[str, ast.ClassDef]:
        classes = {n.name: n for n in ast.walk(self.tree) if isinstance(n, ast.ClassDef)}
        found: dict[str, ast.ClassDef] = {}
        changed = True
        while changed:  # subclasses of our own nnx modules are nnx modules too
            changed = False
            for name, cls in classes.items():
                if name in found:
                    continue
                for base in cls.bases:
                    b = self.canon(base)
                    if b == "flax.nnx.Module" or b in found:
                        found[name] = cls
                        changed = True
                        break
        return found
