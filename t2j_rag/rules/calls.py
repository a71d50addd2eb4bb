"""Apply one data rule (`schema.Rule`) to a call: bind PyTorch arguments, rename, map, add defaults.

Binding follows the rule's `args` (PyTorch's positional order, receiver first
for tensor methods; a trailing `*name` collects the rest). A keyword the rule
does not know is not passed through on trust: it makes the call untranslated,
so a PyTorch option with no JAX meaning (`out=`, `memory_format=`) is reported
instead of being dropped or forwarded to a function that would reject it.

The trade-off: rules must list every keyword they accept, which makes them a
little longer, but the engine never emits a keyword it has not been told about.
"""

from __future__ import annotations

import ast

from .registry import MISSING, Unsupported, jexpr, literal
from .schema import Rule


def value_node(value) -> ast.expr:
    """An AST for a plain TOML/Python value (lists become tuples: JAX wants hashable static args)."""
    if isinstance(value, list):
        value = tuple(value)
    return ast.parse(repr(value), mode="eval").body


def bind_rule(api: str, rule: Rule, args: list[ast.expr], keywords: list[ast.keyword]) -> dict[str, ast.expr]:
    """Torch parameter name -> argument node, in parameter order."""
    names = list(rule.args)
    star = names[-1][1:] if names and names[-1].startswith("*") else None
    fixed = names[:-1] if star else names
    bound: dict[str, ast.expr] = {}
    for i, a in enumerate(args):
        if isinstance(a, ast.Starred):
            raise Unsupported(api, "a *args argument cannot be matched to parameters")
        if i < len(fixed):
            bound[fixed[i]] = a
        elif star:
            bound.setdefault(star, ast.Tuple(elts=[], ctx=ast.Load())).elts.append(a)
        else:
            raise Unsupported(api, f"{len(args)} positional arguments, the rule knows {len(fixed)}")
    known = set(fixed) | set(rule.rename) | set(rule.drop) | set(rule.values) | set(rule.exprs) | set(rule.require)
    for kw in keywords:
        if kw.arg is None:
            raise Unsupported(api, "a **kwargs argument cannot be matched to parameters")
        if kw.arg not in known:
            raise Unsupported(api, f"keyword '{kw.arg}' has no JAX counterpart in the rule (note {rule.note})")
        bound[kw.arg] = kw.value
    return bound


def apply_rule(api: str, rule: Rule, args: list[ast.expr], keywords: list[ast.keyword],
               extra: dict[str, ast.expr] | None = None) -> ast.expr:
    """The JAX call for `api(*args, **keywords)` under `rule`; `extra` adds keywords (rngs)."""
    bound = bind_rule(api, rule, args, keywords)
    out: list[tuple[str, ast.expr]] = []
    for tname, node in bound.items():
        if tname in rule.drop:
            continue
        if tname in rule.require:
            want = rule.require[tname]
            got = literal(node)
            if got is MISSING or got != want or type(got) is bool and not isinstance(want, bool):
                raise Unsupported(api, f"{tname}={ast.unparse(node)} is only translated when it is {want!r} "
                                       f"(note {rule.note})")
            continue
        if tname in rule.values:
            got = literal(node)
            table = rule.values[tname]
            key = got if isinstance(got, str) else repr(got)
            if got is MISSING or key not in table:
                raise Unsupported(api, f"{tname}={ast.unparse(node)} has no mapping (note {rule.note})")
            node = value_node(table[key])
        elif tname in rule.exprs:
            node = jexpr(rule.exprs[tname].replace("{}", ast.unparse(node)))
        out.append((rule.rename.get(tname, tname), node))
    order = [n for n in rule.args if not n.startswith("*")]
    star = rule.args[-1][1:] if rule.args and rule.args[-1].startswith("*") else None
    positional: list[ast.expr] = []
    kws: list[ast.keyword] = []
    set_names = {j for j, _ in out}
    by_torch = dict(zip([t for t in bound if t not in rule.drop and t not in rule.require], out))
    for tname in order[: rule.positional]:
        if tname not in by_torch:
            break  # a gap: everything after it must be passed by keyword
        positional.append(by_torch.pop(tname)[1])
    if star and star in by_torch:
        positional += by_torch.pop(star)[1].elts
    for jname, node in by_torch.values():
        kws.append(ast.keyword(arg=jname, value=node))
    for jname, value in rule.defaults.items():
        if jname not in set_names:
            kws.append(ast.keyword(arg=jname, value=value_node(value)))
    for jname, node in (extra or {}).items():
        kws.append(ast.keyword(arg=jname, value=node))
    return ast.Call(func=jexpr(rule.jax), args=positional, keywords=kws)
