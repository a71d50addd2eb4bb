"""Translate one unit (a class, a function or module-level code) from PyTorch to Flax NNX.

Structure is preserved: an `nn.Module` subclass keeps its name and attribute
names, `__init__` gains a keyword-only `rngs`, `forward` becomes `__call__`,
`super().__init__()` and device moves disappear. Statements are translated one
by one; a statement containing anything the engine cannot translate is kept as
it was, under a `# TODO(t2j): <reason>` comment, and listed in
`UnitTranslation.untranslated`, so a partial translation is never presented as
a complete one.

The trade-off: output is regenerated with `ast.unparse`, so comments and
formatting inside translated code are not preserved (kept TODO lines keep
their original text). In exchange every rewrite is structural, never textual.
"""

from __future__ import annotations

import ast
import builtins
import textwrap
from dataclasses import dataclass, field

from ..aliases import foreign_names
from ..apis import is_layer_api
from ..units import BUILDERS_PREFIX
from .context import Context, Untranslated, dotted
from .expressions import ExprTranslator
from .paste import HEADER, helper_source
from .registry import Unsupported, jexpr
from .statements import StatementTranslator
from .table import RuleTable


@dataclass
class UnitTranslation:
    """The engine's output for one unit; `untranslated` lines are 1-based within the unit source."""

    code: str
    untranslated: list[Untranslated] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rules_used: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.untranslated


def _foreign_names(context: str) -> set[str]:
    """Names bound by non-torch imports (`aliases.foreign_names`); none if the text does not parse."""
    try:
        return foreign_names(ast.parse(context))
    except SyntaxError:
        return set()


def _module_classes(tree: ast.Module, ctx: Context, foreign: set[str]) -> set[str]:
    """Classes built inside __init__ or a layer-building method that are (probably) modules: they get
    rngs=rngs."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(_is_module_base(b, ctx) for b in node.bases):
            found.add(node.name)
        if isinstance(node, ast.FunctionDef) and node.name not in ("forward", "__call__"):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                    n = sub.func.id
                    if n[:1].isupper() and n not in foreign and n not in ctx.aliases and not hasattr(builtins, n):
                        found.add(n)
    return found


def _layer_builders(context: str) -> set[str]:
    """The file's layer-building functions, as `units.split_source` lists them in the context."""
    for line in context.splitlines():
        if line.startswith(BUILDERS_PREFIX):
            return {n.strip() for n in line[len(BUILDERS_PREFIX):].split(",") if n.strip()}
    return set()


def _is_module_base(node: ast.expr, ctx: Context) -> bool:
    return ctx.resolve(node) == "torch.nn.Module"


def translate_unit(source: str, context: str, table: RuleTable) -> UnitTranslation:
    """Translate `source` (one unit) given the file's imports/constants in `context`."""
    source = textwrap.dedent(source)
    tree = ast.parse(source)
    ctx = Context.for_source(table, context, source)
    foreign = _foreign_names(context + "\n" + source)
    ctx.module_classes = _module_classes(tree, ctx, foreign)
    ctx.builders = _layer_builders(context)
    st = StatementTranslator(ctx, source)
    body = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.ClassDef):
            body.append(_class(node, ctx, st))
        elif isinstance(node, ast.FunctionDef):
            body.append(_function(node, ctx, st, method=False))
        else:
            body += st.block([node])
    module = ast.Module(body=body, type_ignores=[])
    code = st.render(module)
    imports = list(HEADER) + (["import functools"] if ctx.uses_functools else [])
    parts = ["\n".join(imports)]
    if ctx.helpers:
        parts.append(helper_source(ctx.helpers, tuple(imports)))
    parts.append(code)
    notes = [f"PyTorch mappings applied from notes: {', '.join(sorted(ctx.rules_used))}"] if ctx.rules_used else []
    return UnitTranslation("\n\n\n".join(parts).rstrip() + "\n", st.untranslated, notes, sorted(ctx.rules_used))


def _class(node: ast.ClassDef, ctx: Context, st: StatementTranslator) -> ast.stmt:
    is_module = False
    bases = []
    for b in node.bases:
        api = ctx.resolve(b)
        if api == "torch.nn.Module":
            bases.append(jexpr("nnx.Module"))
            is_module = True
        elif api is not None:
            return st.todo(node, api, "subclassing this torch class is not handled")
        else:
            bases.append(b)
            is_module = is_module or (isinstance(b, ast.Name) and b.id in ctx.module_classes)
    node.bases = bases
    node.decorator_list = []
    ctx.params = _param_names(node, ctx)
    ctx.uses_training = ctx.uses_rngs = False
    ctx.factories = _layer_factories(node, ctx) if is_module else set()
    assigned = [t.attr for sub in ast.walk(node) if isinstance(sub, ast.Assign) for t in sub.targets
                if isinstance(t, ast.Attribute) and dotted(t.value) == "self"]
    ctx.reassigned = {a for a in assigned if assigned.count(a) > 1}
    body = []
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            body.append(_function(item, ctx, st, method=True, module=is_module))
        else:
            body += st.block([item])
    if is_module and not any(isinstance(f, ast.FunctionDef) and f.name == "__init__" for f in body):
        # Every NNX module here is built with rngs=..., even one without layers.
        body.insert(0, ast.parse("def __init__(self, *, rngs: nnx.Rngs):\n    pass").body[0])
    init = next((f for f in body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
    if ctx.uses_rngs and init is not None:
        # keys for dropout and random draws in the forward pass
        init.body.insert(0, ast.parse("self.t2j_rngs = rngs").body[0])
    if ctx.uses_training and init is not None:
        # nnx's eval()/train() set `deterministic` on every submodule that has it.
        init.body.insert(0, ast.parse("self.deterministic = False").body[0])
    node.body = body or [ast.Pass()]
    return node


def _layer_factories(cls: ast.ClassDef, ctx: Context) -> set[str]:
    """Methods other than __init__/forward that construct layers (ResNet's `_make_layer`): they take
    rngs like __init__, and calls to them from __init__ pass it on."""
    found = set()
    for item in cls.body:
        if isinstance(item, ast.FunctionDef) and item.name not in ("__init__", "forward"):
            for sub in ast.walk(item):
                if isinstance(sub, ast.Call):
                    if is_layer_api(ctx.resolve(sub.func) or "") or (
                            isinstance(sub.func, ast.Name) and sub.func.id in ctx.module_classes):
                        found.add(item.name)
                        break
    return found


def _param_names(cls: ast.ClassDef, ctx: Context) -> set[str]:
    """Attributes assigned nn.Parameter(...) or registered as buffers/parameters anywhere in the class."""
    names = set()
    for sub in ast.walk(cls):
        if isinstance(sub, ast.Assign) and isinstance(sub.value, ast.Call) \
                and ctx.resolve(sub.value.func) == "torch.nn.Parameter":
            names.update(t.attr for t in sub.targets if isinstance(t, ast.Attribute) and dotted(t.value) == "self")
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) \
                and sub.func.attr in ("register_buffer", "register_parameter") \
                and dotted(sub.func.value) == "self" and sub.args and isinstance(sub.args[0], ast.Constant):
            value = sub.args[1] if len(sub.args) > 1 else None
            if not (isinstance(value, ast.Constant) and value.value is None):
                names.add(sub.args[0].value)
    return names


def _annotation(node: ast.expr | None, ctx: Context) -> ast.expr | None:
    if node is None:
        return None
    try:
        return ExprTranslator(ctx).visit(node)
    except Unsupported:
        return None


def _function(node: ast.FunctionDef, ctx: Context, st: StatementTranslator, method: bool,
              module: bool = False) -> ast.stmt:
    deco = [d for d in node.decorator_list if ctx.resolve(d.func if isinstance(d, ast.Call) else d) is None]
    if len(deco) != len(node.decorator_list):
        return st.todo(node, "decorator", "a torch decorator (no_grad, jit...) on a function is not handled")
    for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
        a.annotation = _annotation(a.annotation, ctx)
    node.returns = _annotation(node.returns, ctx)
    ctx.in_init = (module and (node.name == "__init__" or node.name in ctx.factories)) or (
        not method and node.name in ctx.builders)
    ctx.in_module_method = module
    if ctx.in_init and not any(a.arg == "rngs" for a in node.args.kwonlyargs):
        node.args.kwonlyargs.append(ast.arg(arg="rngs", annotation=jexpr("nnx.Rngs")))
        node.args.kw_defaults.append(None)
    if module and node.name == "forward":
        node.name = "__call__"
    try:
        node.body = st.block(node.body) or [ast.Pass()]
    finally:
        ctx.in_init = ctx.in_module_method = False
    return node
