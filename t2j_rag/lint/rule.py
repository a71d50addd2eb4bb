"""The records lint is made of: a `Rule` (id, description, notes, check), the `Hit`s a check yields, the
`Finding`s lint returns.

A rule is data plus one function. `check(ctx)` looks at one parsed file (a
`LintContext`) and yields a `Hit` for each place it objects to; `lint_jax`
turns hits into findings, keeps the first hit per rule and line, and fills in
the rule's main note when a hit names none. The trade-off: checks run one
after another and never see each other's hits, so a rule cannot defer to
another; each rule's condition has to stand on its own.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .context import LintContext


@dataclass
class Finding:
    """One problem: the rule that found it, where, what to do, and the note that explains it."""

    rule: str
    line: int
    message: str
    note: str | None


class Hit(NamedTuple):
    """What a check reports: the node at fault, the message, and a note when not the rule's main note."""

    node: ast.AST
    message: str
    note: str | None = None


@dataclass(frozen=True)
class Rule:
    """One lint rule. `notes` are the corpus notes its findings point to, the main note first (tests check
    that each exists in the shipped corpus); `check` yields the rule's hits for one file."""

    id: str
    description: str
    notes: tuple[str, ...]
    check: Callable[[LintContext], Iterable[Hit]]
