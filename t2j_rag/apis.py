"""Which PyTorch APIs a piece of source code uses, found with the standard `ast` module.

The names feed retrieval: a unit that calls `F.gelu` and `x.view` should pull in the
corpus entries tagged `torch.nn.functional.gelu` and `torch.Tensor.view`. Names are
canonical dotted paths with import aliases resolved (`nn.Linear` -> `torch.nn.Linear`)
by `aliases`, which also decides what counts as a PyTorch import.

The trade-off: this is static analysis without importing torch, so it cannot know
the type of an arbitrary expression. A method call on something that is not a
known module, class or torch object is assumed to be a tensor method
(`x.view(...)` -> `torch.Tensor.view`), except for a short list of method names
that only containers and strings have. A few receivers are typed from simple
assignments (`opt = torch.optim.AdamW(...)` makes `opt.step()` an optimizer call).
That guess is sometimes wrong, but a spurious name only costs a weaker retrieval
hit, whereas a missed `x.view` or `h.std(unbiased=...)` loses the note that matters.
"""

from __future__ import annotations

import ast
import fnmatch

# is_torch_module is re-exported: rules modules and older callers import these names from here.
from .aliases import dotted, foreign_names, is_torch_module, resolve, torch_aliases  # noqa: F401
from .errors import InputError

# The nn.Module methods that a call on `self` is taken to mean; any other `self.x(...)`
# is a submodule or the class's own method.
MODULE_METHODS = frozenset(
    {
        "register_buffer", "register_parameter", "register_module", "add_module",
        "parameters", "named_parameters", "buffers", "named_buffers",
        "modules", "named_modules", "children", "named_children",
        "train", "eval", "to", "cuda", "cpu", "half", "float", "double", "bfloat16",
        "apply", "zero_grad", "state_dict", "load_state_dict", "requires_grad_",
        "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
    }
)

# Methods that exist on nn.Module but not on Tensor: on an untyped receiver such a
# call is a module call (`model.parameters()`), not a tensor one.
_MODULE_ONLY = frozenset(
    {
        "register_buffer", "register_parameter", "register_module", "add_module",
        "parameters", "named_parameters", "buffers", "named_buffers",
        "modules", "named_modules", "children", "named_children",
        "train", "eval", "apply", "zero_grad", "state_dict", "load_state_dict",
        "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
    }
)

# Methods of lists, dicts, strings and files (plus optimizer/scheduler-only names)
# that no tensor has; calling them on an untyped receiver says nothing about torch.
_NOT_TENSOR = frozenset(
    {
        "append", "extend", "insert", "remove", "items", "keys", "values", "get",
        "update", "setdefault", "pop", "popitem", "join", "format", "startswith",
        "endswith", "strip", "lstrip", "rstrip", "lower", "upper", "replace",
        "encode", "decode", "read", "readline", "readlines", "write", "close",
        "step", "add_param_group", "get_last_lr",
    }
)

# Bare references to these are module objects, not APIs (`nn` passed around alone).
_MODULES = frozenset(
    {
        "torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.optim",
        "torch.optim.lr_scheduler", "torch.utils", "torch.utils.data", "torch.linalg",
        "torch.fft", "torch.special", "torch.autograd", "torch.cuda", "torch.distributions",
        "torch.nn.utils", "torch.backends", "torch.amp", "torch.distributed", "torch.jit",
    }
)

# Receiver expressions that are never tensors.
_LITERALS = (
    ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set,
    ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp,
)


def parse_source(source: str, what: str = "source") -> ast.Module:
    """`ast.parse`, turning a SyntaxError into a one-line InputError."""
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        raise InputError(f"{what} is not valid Python: {exc.msg} (line {exc.lineno})") from None
    except ValueError as exc:  # null bytes in the source
        raise InputError(f"{what} is not valid Python: {exc}") from None


def _root_name(node: ast.AST) -> str | None:
    """The name an expression like `np.zeros(3)[0].T` starts from (`np`), if any."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def is_layer_api(api: str) -> bool:
    """`torch.nn.Conv2d`-style names: a torch.nn class (a layer constructor), not a function."""
    return api.startswith("torch.nn.") and api.count(".") == 2 and api.rsplit(".", 1)[1][:1].isupper()


class _Analysis:
    """What a pre-pass learns about names before the main walk: aliases, local classes, simple types."""

    def __init__(self, tree: ast.Module) -> None:
        self.aliases = torch_aliases(tree)
        self.foreign = foreign_names(tree)
        self.local_bases: dict[str, list[ast.expr]] = {}
        self.local_defs: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                self.local_bases[node.name] = node.bases
                self.local_defs.add(node.name)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.local_defs.add(node.name)
        self.types: dict[str, str] = {}
        self._collect_types(tree)

    def resolve(self, node: ast.AST) -> str | None:
        """Canonical torch name of a `Name`/`Attribute` chain, or None when it is not torch."""
        return resolve(node, self.aliases)

    def torch_base(self, class_name: str, seen: frozenset[str] = frozenset()) -> str | None:
        """The torch class a local class derives from, following local inheritance."""
        if class_name in seen:
            return None
        for base in self.local_bases.get(class_name, []):
            resolved = self.resolve(base)
            if resolved:
                return resolved
            if isinstance(base, ast.Name) and base.id in self.local_bases:
                found = self.torch_base(base.id, seen | {class_name})
                if found:
                    return found
        return None

    def class_of_call(self, value: ast.AST) -> str | None:
        """The torch class an expression like `nn.Linear(...)` or `Model(...)` instantiates."""
        if not isinstance(value, ast.Call):
            return None
        resolved = self.resolve(value.func)
        if resolved:
            last = resolved.rsplit(".", 1)[-1]
            return resolved if last[:1].isupper() else None
        if isinstance(value.func, ast.Name) and value.func.id in self.local_bases:
            base = self.torch_base(value.func.id)
            return f"local:{base}" if base else None
        return None

    def _collect_types(self, tree: ast.Module) -> None:
        # One flat map for the whole source rather than per scope: a name reused with a
        # different type in two functions is rare in model code, and keeping it flat
        # lets `self.opt` assigned in __init__ type the call in `train_step`.
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                cls = self.class_of_call(node.value)
                if cls:
                    for target in node.targets:
                        key = dotted(target)
                        if key:
                            self.types[key] = cls
            elif isinstance(node, ast.ClassDef) and self.torch_base(node.name) == "torch.autograd.Function":
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.args.args:
                        if item.name in ("forward", "backward", "setup_context", "jvp", "vjp"):
                            self.types[item.args.args[0].arg] = "torch.autograd.function.FunctionCtx"


def _typed_method(cls: str, method: str) -> str | None:
    """Canonical name of `method` on an instance of `cls` (a torch class, or `local:<torch base>`)."""
    local = cls.startswith("local:")
    cls = cls.removeprefix("local:")
    if cls.startswith("torch.optim.lr_scheduler."):
        return f"torch.optim.lr_scheduler.LRScheduler.{method}"
    if cls.startswith("torch.optim."):
        return f"torch.optim.Optimizer.{method}"
    if cls in ("torch.nn.Parameter", "torch.nn.parameter.Parameter", "torch.Tensor", "torch.tensor"):
        return f"torch.Tensor.{method}"  # a Parameter is a Tensor: its methods are tensor methods
    if cls.startswith("torch.nn.") and method in MODULE_METHODS:
        return f"torch.nn.Module.{method}"
    if local:
        # The user's own method on the user's own class: not a torch API.
        return None
    return f"{cls}.{method}"


class _Collector(ast.NodeVisitor):
    def __init__(self, analysis: _Analysis) -> None:
        self.a = analysis
        self.apis: set[str] = set()
        self.keywords: dict[str, set[str]] = {}

    def _add(self, api: str | None) -> None:
        if api and api not in _MODULES:
            self.apis.add(api)

    def _method_api(self, func: ast.Attribute) -> str | None:
        receiver, method = func.value, func.attr
        if isinstance(receiver, ast.Name) and receiver.id == "self":
            return f"torch.nn.Module.{method}" if method in MODULE_METHODS else None
        if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
            return None
        if isinstance(receiver, _LITERALS):
            return None
        key = dotted(receiver)
        if key is not None:
            if key in self.a.types:
                return _typed_method(self.a.types[key], method)
            if key in self.a.local_bases:
                base = self.a.torch_base(key)
                return f"{base}.{method}" if base else None
        root = _root_name(receiver)
        if root in self.a.foreign or (key is not None and root in self.a.local_defs):
            return None
        if method in _MODULE_ONLY:
            return f"torch.nn.Module.{method}"
        # No tensor method is capitalised: `mod.Linear(...)` is a class on an unknown module.
        if method in _NOT_TENSOR or method.startswith("__") or method[:1].isupper():
            return None
        return f"torch.Tensor.{method}"

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        api = self.a.resolve(func)
        if api is None and isinstance(func, ast.Attribute):
            api = self._method_api(func)
            self.visit(func.value)
        elif api is None:
            self.visit(func)
        self._add(api)
        if api and api not in _MODULES:
            names = self.keywords.setdefault(api, set())
            names.update(k.arg for k in node.keywords if k.arg)
        for arg in node.args:
            self.visit(arg)
        for kw in node.keywords:
            self.visit(kw.value)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        api = self.a.resolve(node)
        if api is not None:
            self._add(api)
        else:
            self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self._add(self.a.resolve(node))

    def visit_alias(self, node: ast.alias) -> None:
        # Import statements bind names; the APIs count where they are used.
        return None


def _collect(source: str) -> _Collector:
    tree = parse_source(source)
    collector = _Collector(_Analysis(tree))
    collector.visit(tree)
    return collector


def extract_apis(source: str) -> list[str]:
    """Sorted canonical names of the PyTorch APIs `source` uses.

    >>> extract_apis("import torch.nn.functional as F\\ny = F.gelu(x).view(2, -1)")
    ['torch.Tensor.view', 'torch.nn.functional.gelu']
    """
    return sorted(_collect(source).apis)


def extract_api_keywords(source: str) -> dict[str, list[str]]:
    """Each called API mapped to the sorted keyword arguments it was called with (only non-empty ones).

    `h.std(dim=1, unbiased=False)` gives `{"torch.Tensor.std": ["dim", "unbiased"]}`; the
    keywords are where PyTorch and JAX defaults differ, so they sharpen retrieval.
    """
    found = _collect(source).keywords
    return {api: sorted(names) for api, names in sorted(found.items()) if names}


def api_matches(pattern: str, api: str) -> bool:
    """Whether `api` is `pattern` or matches it as an fnmatch glob (`torch.Tensor.*_`).

    Case-sensitive, and as in fnmatch a `*` also crosses dots, so `torch.nn.*`
    covers `torch.nn.functional.gelu` too.
    """
    return pattern == api or fnmatch.fnmatchcase(api, pattern)
