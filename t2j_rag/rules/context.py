"""State shared while translating one unit: name resolution, needed helpers, and what failed.

The engine resolves every call to the canonical PyTorch API it names (the same
dotted names `t2j_rag.apis` extracts and notes list in `torch_apis`), looks the
API up in the rule table or in the code-level handlers, and records anything it
cannot translate as an `Untranslated` item instead of guessing.

The trade-off: resolution is purely syntactic (import aliases plus "a method
called on something that is not a torch module is a tensor method"), so an
object of another type whose method shares a tensor method's name is treated
as a tensor. That is the common case in model code, and a wrong guess shows up
when the translation is verified.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..aliases import dotted, resolve, torch_aliases  # noqa: F401 - dotted is re-exported to the rules modules
from .paste import helper_names
from .table import RuleTable


@dataclass
class Untranslated:
    """One construct the engine left as it was (line is 1-based within the unit's source)."""

    line: int
    construct: str
    reason: str

    def to_dict(self) -> dict:
        return {"line": self.line, "construct": self.construct, "reason": self.reason}


@dataclass
class Context:
    table: RuleTable
    aliases: dict[str, str]
    helpers: set[str] = field(default_factory=set)
    uses_functools: bool = False
    params: set[str] = field(default_factory=set)  # self attributes that hold nnx.Param / nnx.Variable
    uses_training: bool = False
    in_init: bool = False
    rules_used: set[str] = field(default_factory=set)  # note ids whose rules were applied
    module_classes: set[str] = field(default_factory=set)  # user classes built with rngs in __init__
    factories: set[str] = field(default_factory=set)  # methods of the current class that build layers
    builders: set[str] = field(default_factory=set)  # top-level functions of the file that build layers
    reassigned: set[str] = field(default_factory=set)  # self attributes the class assigns more than once
    in_module_method: bool = False
    uses_rngs: bool = False  # a dropout or random draw in the forward pass needs the module's keys

    @classmethod
    def for_source(cls, table: RuleTable, *sources: str) -> "Context":
        aliases: dict[str, str] = {}
        for src in sources:
            try:
                aliases.update(torch_aliases(ast.parse(src)))
            except SyntaxError:
                continue
        return cls(table, aliases)

    def use_rule(self, rule) -> None:
        """Record that a data rule was applied; a rule whose target is one of the engine's helpers
        (`jax = "t2j_softshrink"`) pulls that helper into the translation."""
        self.rules_used.add(rule.note)
        head = rule.jax.split(".", 1)[0].split("(", 1)[0]
        if head in helper_names():
            self.helpers.add(head)

    def resolve(self, node: ast.AST) -> str | None:
        """The torch API a name or attribute chain stands for, or None if it is not torch."""
        return resolve(node, self.aliases)

    def is_torch(self, node: ast.AST) -> bool:
        return self.resolve(node) is not None
