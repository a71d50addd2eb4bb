"""What each imported name in a piece of Python source stands for, and which imports are PyTorch.

One reading of import statements, shared by API extraction (`apis`), the rules
engine and the JAX linter (`lint`): `import torch.nn as nn` binds `nn` to
`torch.nn`, `from torch.nn import functional as F` binds `F` to
`torch.nn.functional`, `import numpy as np` binds `np` to `numpy`, and a plain
`import torch.nn` binds only `torch`.

What counts as PyTorch (`is_torch_module`): a module whose top-level package is
`torch` or whose name starts with `torch` — the first-party `torchvision`,
`torchaudio`, `torchtext`, and third-party `torch_scatter`, `torch_geometric`,
`torchmetrics`... Everything in such a package takes or returns torch tensors
and modules, so for a translator a call into it is a PyTorch call: the engine
reports it as untranslated instead of passing it through, its import is dropped
from the generated JAX file, the linter flags it when it is left in JAX code,
and its names are not "foreign" (a foreign name's methods are not tensor
methods). Torch-only libraries without the prefix (`timm`, `lightning`) are not
recognised and count as ordinary libraries.

A relative import (`from .layers import Block`) names the user's own package:
never PyTorch, and its dotted path is unknown, so it binds a foreign name but no
alias.

The trade-off: the reading is static and flow-insensitive. Every import in the
tree counts (one inside a function too), a later import of the same name (in
`ast.walk` order) wins, and rebinding a name by assignment is not followed.
That is right for the files we see, where imports sit at the top, and it keeps
every user of these names agreeing on what a name means.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Binding:
    """One name an import binds: `name` stands for `target` (None for a relative import); `torch` if PyTorch."""

    name: str
    target: str | None
    torch: bool


def is_torch_module(module: str | None) -> bool:
    """True for `torch`, `torch.nn`, `torchvision.models`, `torch_scatter`: the imports a JAX file drops.

    >>> [is_torch_module(m) for m in ("torch.nn", "torch_scatter", "numpy", None)]
    [True, True, False, False]
    """
    return bool(module) and module.split(".")[0].startswith("torch")


def bindings(tree: ast.AST) -> list[Binding]:
    """Every name bound by an import in `tree`, in `ast.walk` order.

    `import torch.nn as nn; from .blocks import Block` gives
    `[Binding("nn", "torch.nn", True), Binding("Block", None, False)]`.
    Star imports bind nothing we can name and are skipped.
    """
    found: list[Binding] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                torch = is_torch_module(a.name)
                if a.asname:
                    found.append(Binding(a.asname, a.name, torch))
                else:
                    root = a.name.split(".")[0]  # `import torch.nn` binds the top package only
                    found.append(Binding(root, root, torch))
        elif isinstance(node, ast.ImportFrom):
            relative = bool(node.level) or not node.module
            torch = not relative and is_torch_module(node.module)
            for a in node.names:
                if a.name != "*":
                    target = None if relative else f"{node.module}.{a.name}"
                    found.append(Binding(a.asname or a.name, target, torch))
    return found


def imported_names(tree: ast.AST, defaults: dict[str, str] | None = None) -> dict[str, str]:
    """Each name bound by an absolute import, mapped to the dotted path it stands for; the file's imports
    override `defaults` (names a snippet uses without importing them).

    >>> imported_names(ast.parse("import jax.numpy as jnp\\nfrom torch import nn"))
    {'jnp': 'jax.numpy', 'nn': 'torch.nn'}
    """
    names = dict(defaults or {})
    names.update((b.name, b.target) for b in bindings(tree) if b.target is not None)
    return names


def torch_aliases(tree: ast.AST) -> dict[str, str]:
    """Each name bound by a PyTorch import, mapped to the dotted path it stands for.

    >>> torch_aliases(ast.parse("import torch.nn.functional as F\\nimport numpy as np"))
    {'F': 'torch.nn.functional'}
    """
    return {b.name: b.target for b in bindings(tree) if b.torch}


def foreign_names(tree: ast.AST) -> set[str]:
    """Names bound by imports that are not PyTorch (np, math, jnp, relative imports): their methods are not
    tensor methods and their classes are not torch layers.

    >>> sorted(foreign_names(ast.parse("import numpy as np\\nimport torch\\nfrom . import blocks")))
    ['blocks', 'np']
    """
    return {b.name for b in bindings(tree) if not b.torch}


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def resolve(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The dotted path a name or attribute chain stands for through `aliases`, or None when it does not
    start from a name in `aliases`: with `{"nn": "torch.nn"}`, `nn.Linear` -> `torch.nn.Linear`."""
    name = dotted(node)
    if name is None:
        return None
    root, _, rest = name.partition(".")
    target = aliases.get(root)
    if target is None:
        return None
    return f"{target}.{rest}" if rest else target
