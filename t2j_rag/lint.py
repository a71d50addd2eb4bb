"""Static checks for translated JAX code: known PyTorch->JAX pitfalls, found with `ast`.

The verifier runs `lint_jax` before executing a translation. Each finding names
the line, says what to write instead, and points to the corpus note that
explains the pitfall, so the repair prompt can show that note.

The trade-off: these are syntactic heuristics, not type inference. We do not
know whether `x` is a jax array or a Python list, whether `__call__` will be
jitted, or which PyTorch layer a Flax layer came from. Every rule therefore
fires only on patterns that are wrong in (nearly) every program, and stays
silent when in doubt: a missed pitfall is still caught by the numerical check,
while a false alarm would send the repair loop after a bug that is not there.
Rules that compare against PyTorch defaults (momentum, epsilon, GELU, std) only
fire when the PyTorch source is given and shows what it used.

Example::

    for f in lint_jax(jax_code, torch_code):
        print(f.line, f.rule, f.message, f.note)
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .apis import dotted
from .errors import InputError


@dataclass
class Finding:
    """One problem: the rule that found it, where, what to do, and the note that explains it."""

    rule: str
    line: int
    message: str
    note: str | None


RULES: dict[str, str] = {
    "torch-leftover": "PyTorch import or torch.* use left in the JAX code",
    "torch-kwargs": "PyTorch keyword (dim=, keepdim=, unbiased=) on a jax.numpy / jax.nn call",
    "inplace-mutation": "item assignment or torch in-place method (.add_, .zero_ ...) on what may be a jax array",
    "traced-python": ".item(), float(), Python if/while on a traced value inside jit or an nnx __call__",
    "device-move": ".cuda(), .cpu(), .to(...), torch.device or .device checks, which JAX does not need",
    "dropout-rng": "nnx.Dropout without rngs, or a fixed PRNG key inside __call__",
    "batchnorm-momentum": "nnx.BatchNorm momentum in PyTorch's convention (flax momentum = 1 - torch momentum)",
    "layernorm-eps": "norm layer epsilon differs from the PyTorch layer's eps (nnx.LayerNorm defaults to 1e-6)",
    "gelu-approximate": "jax.nn.gelu is the tanh approximation by default, PyTorch's GELU is exact erf",
    "plain-module-list": "plain list/tuple/dict of submodules in an nnx.Module (needs nnx.List / nnx.Dict)",
    "nhwc-reshape": "flatten after an NCHW->NHWC transpose without transposing back (feature order differs)",
    "std-ddof": "jnp.std/var without ddof= where PyTorch's std/var is unbiased (ddof=1)",
}

# The corpus notes each rule's findings point to: the rule's main note first, then
# notes for particular cases (tests check that every id exists in the shipped corpus).
NOTES: dict[str, tuple[str, ...]] = {
    "torch-leftover": ("lint-torch-leftover",),
    "torch-kwargs": ("tensors-reduction-kwargs", "tensors-std-var-correction"),
    "inplace-mutation": ("tensors-index-assignment", "tensors-inplace-aliasing"),
    "traced-python": ("lint-traced-python",),
    "device-move": ("tensors-device-moves", "tensors-cast-methods"),
    "dropout-rng": ("modules-dropout-rate-rngs", "tensors-random-keys"),
    "batchnorm-momentum": ("modules-batchnorm-momentum",),
    "layernorm-eps": ("modules-layernorm-eps", "modules-rmsnorm-eps"),
    "gelu-approximate": ("layers-gelu-approximate",),
    "plain-module-list": ("modules-containers-list-dict",),
    "nhwc-reshape": ("layers-flatten-order",),
    "std-ddof": ("tensors-std-var-correction",),
}

# Names a translation snippet commonly uses without importing them (a unit's code
# may arrive without the file's import block); the file's own imports win.
_DEFAULT_ALIASES = {"jnp": "jax.numpy", "jax": "jax", "nnx": "flax.nnx", "torch": "torch", "np": "numpy"}

_KWARG_FIXES = {
    "dim": ("axis", "axis="),
    "keepdim": ("keepdims", "keepdims="),
    "unbiased": ("ddof", "ddof=1 for unbiased=True, ddof=0 for unbiased=False"),
}
# jax.Array methods that take axis=/keepdims= where PyTorch code writes dim=/keepdim=.
_ARRAY_AXIS_METHODS = {
    "sum", "mean", "max", "min", "prod", "std", "var", "argmax", "argmin", "any", "all",
    "cumsum", "cumprod", "squeeze", "sort", "argsort",
}
# Reductions whose result makes an `if` test depend on array values.
_REDUCE_METHODS = {"sum", "mean", "max", "min", "prod", "std", "var", "any", "all", "argmax", "argmin", "norm", "item"}

# PyTorch's in-place tensor methods (the trailing underscore convention).
_INPLACE_METHODS = {
    "abs_", "add_", "addcdiv_", "addcmul_", "addmm_", "bernoulli_", "ceil_", "clamp_", "clamp_max_", "clamp_min_",
    "clip_", "copy_", "cos_", "cumsum_", "div_", "exp_", "exponential_", "fill_", "fill_diagonal_", "floor_",
    "index_add_", "index_copy_", "index_fill_", "index_put_", "lerp_", "log_", "masked_fill_", "masked_scatter_",
    "mul_", "neg_", "normal_", "pow_", "random_", "reciprocal_", "relu_", "requires_grad_", "resize_", "round_",
    "rsqrt_", "scatter_", "scatter_add_", "scatter_reduce_", "sigmoid_", "sign_", "sin_", "sqrt_", "square_",
    "squeeze_", "sub_", "t_", "tanh_", "transpose_", "tril_", "triu_", "true_divide_", "uniform_", "unsqueeze_",
    "zero_", "detach_", "set_", "put_", "map_", "apply_",
}
_INPLACE_HINTS = {
    "add_": "x = x + y", "sub_": "x = x - y", "mul_": "x = x * y", "div_": "x = x / y",
    "clamp_": "x = jnp.clip(x, lo, hi)", "clip_": "x = jnp.clip(x, lo, hi)", "zero_": "x = jnp.zeros_like(x)",
    "fill_": "x = jnp.full_like(x, v)", "copy_": "x = jnp.asarray(src) (or var[...] = src for an nnx.Variable)",
    "masked_fill_": "x = jnp.where(mask, v, x)", "relu_": "x = jax.nn.relu(x)",
    "scatter_": "x = x.at[idx].set(v)", "scatter_add_": "x = x.at[idx].add(v)", "index_add_": "x = x.at[idx].add(v)",
}
_AT_METHODS = {ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply", ast.Div: "divide", ast.Pow: "power"}

_JIT_NAMES = {"jax.jit", "flax.nnx.jit", "jax.pmap", "flax.nnx.pmap"}
# Attributes and calls whose value is known at trace time, so branching on them is fine.
_STATIC_ATTRS = {"shape", "ndim", "dtype", "size", "itemsize", "nbytes", "weak_type", "sharding", "aval"}
# Attributes of an array that are arrays again (other attribute reads, e.g. a module's
# config flag under nnx.jit, are taken to be static).
_ARRAY_ATTRS = {"T", "mT", "real", "imag", "at", "value"}
_STATIC_CALLS = {"len", "isinstance", "type", "hasattr", "callable", "issubclass", "id"}
_STATIC_JNP = {
    "jax.numpy." + n
    for n in ("issubdtype", "dtype", "result_type", "iinfo", "finfo", "promote_types", "can_cast", "ndim", "shape",
              "size", "isdtype", "isscalar", "iscomplexobj", "isrealobj")
}
_STATIC_FUNCS = _STATIC_CALLS | _STATIC_JNP

_DTYPE_NAMES = {
    "float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8", "bool", "bool_",
    "complex64", "complex128", "half", "float", "double", "long", "int", "short",
}
# Flax NNX classes that are not layers (so a list of them is not a list of submodules).
_NNX_NON_MODULES = {"Rngs", "RngStream", "List", "Dict", "State", "GraphDef", "Optimizer", "Metric", "MultiMetric"}
_NNX_DATA = {"Param", "Variable", "BatchStat", "Cache", "Intermediate"}

_TORCH_NORMS = {
    # class name -> (flax class, positional index of eps, torch default eps)
    "LayerNorm": ("flax.nnx.LayerNorm", 1, 1e-5),
    "BatchNorm1d": ("flax.nnx.BatchNorm", 1, 1e-5),
    "BatchNorm2d": ("flax.nnx.BatchNorm", 1, 1e-5),
    "BatchNorm3d": ("flax.nnx.BatchNorm", 1, 1e-5),
    "SyncBatchNorm": ("flax.nnx.BatchNorm", 1, 1e-5),
    "GroupNorm": ("flax.nnx.GroupNorm", 2, 1e-5),
    # torch's RMSNorm eps=None means finfo(float32).eps.
    "RMSNorm": ("flax.nnx.RMSNorm", 1, 1.1920928955078125e-07),
}
_FLAX_EPS_DEFAULT = {"flax.nnx.LayerNorm": 1e-6, "flax.nnx.BatchNorm": 1e-5, "flax.nnx.GroupNorm": 1e-6,
                     "flax.nnx.RMSNorm": 1e-6}

_TO_NHWC = {(0, 2, 3, 1), (0, 2, 3, 4, 1)}
_TO_NCHW = {(0, 3, 1, 2), (0, 4, 1, 2, 3)}

_UNKNOWN = object()  # a keyword given as an expression we cannot evaluate


def lint_jax(code: str, torch_code: str | None = None) -> list[Finding]:
    """Check translated JAX code; `torch_code` (the source it came from) enables the default-comparing rules.

    Returns the findings sorted by line. A syntax error gives a single `syntax`
    finding; any other valid Python never raises.
    """
    if not isinstance(code, str):
        raise InputError(f"lint_jax needs the JAX code as a string, got {type(code).__name__}")
    if torch_code is not None and not isinstance(torch_code, str):
        raise InputError(f"lint_jax needs the PyTorch code as a string, got {type(torch_code).__name__}")
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return [Finding("syntax", exc.lineno or 1, f"SyntaxError: {exc.msg}", None)]
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        return [Finding("syntax", 1, f"cannot parse the code: {exc}", None)]
    facts = _TorchFacts.from_source(torch_code)
    linter = _Linter(tree, facts)
    linter.run()
    return sorted(linter.findings.values(), key=lambda f: (f.line, f.rule))


# --------------------------------------------------------------------------- helpers


def _aliases(tree: ast.AST, defaults: dict[str, str]) -> dict[str, str]:
    aliases = dict(defaults)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    aliases[a.asname] = a.name
                else:
                    root = a.name.split(".")[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                if a.name != "*":
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def _canon(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """`jnp.sum` -> `jax.numpy.sum` through the file's imports; None for non-name expressions."""
    raw = dotted(node)
    if raw is None:
        return None
    root, _, rest = raw.partition(".")
    base = aliases.get(root, root)
    return f"{base}.{rest}" if rest else base


def _kw(call: ast.Call, name: str) -> ast.keyword | None:
    for k in call.keywords:
        if k.arg == name:
            return k
    return None


def _has_star_kwargs(call: ast.Call) -> bool:
    return any(k.arg is None for k in call.keywords)


def _number(node: ast.AST | None):
    """A numeric literal's value (negative numbers included), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        v = _number(node.operand)
        return -v if v is not None else None
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    return None


def _int_tuple(node: ast.AST | None) -> tuple | None:
    if isinstance(node, (ast.Tuple, ast.List)):
        vals = [_number(e) for e in node.elts]
        if all(isinstance(v, int) for v in vals):
            return tuple(vals)
    return None


def _arg(call: ast.Call, index: int, name: str) -> ast.AST | None:
    k = _kw(call, name)
    if k is not None:
        return k.value
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return None


def _fmt(v: float) -> str:
    return f"{v:g}"


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _param_names(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    names += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
    return names


def _positional_names(fn) -> list[str]:
    return [x.arg for x in fn.args.posonlyargs + fn.args.args]


# --------------------------------------------------------------------------- PyTorch side


@dataclass
class _TorchFacts:
    """What the PyTorch source shows about defaults the JAX side must reproduce."""

    bn_momenta: list = None  # numbers, None (cumulative average) or _UNKNOWN
    eps: dict = None  # flax class -> list of eps values (or _UNKNOWN)
    gelu_exact: bool = False
    gelu_tanh: bool = False
    std_unbiased: int = 0
    std_biased: int = 0

    @classmethod
    def from_source(cls, source: str | None) -> _TorchFacts:
        facts = cls(bn_momenta=[], eps={})
        if source is None:
            return facts
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return facts  # the PyTorch side is only context here; the verifier reports its errors
        aliases = _aliases(tree, {"torch": "torch"})
        parents = {c: p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Name, ast.Attribute)):
                name = _canon(node, aliases) or ""
                if name in ("torch.nn.GELU", "torch.nn.functional.gelu"):
                    parent = parents.get(node)
                    if isinstance(parent, ast.Call) and parent.func is node:
                        approx = _kw(parent, "approximate")
                        tanh = (approx is not None and isinstance(approx.value, ast.Constant)
                                and approx.value.value == "tanh")
                    else:
                        tanh = False  # passed as a function: the exact default
                    facts.gelu_tanh |= tanh
                    facts.gelu_exact |= not tanh
            if not isinstance(node, ast.Call):
                continue
            name = _canon(node.func, aliases) or ""
            last = name.rsplit(".", 1)[-1]
            if name.startswith("torch.") and last in _TORCH_NORMS:
                flax_cls, eps_index, eps_default = _TORCH_NORMS[last]
                eps_node = _arg(node, eps_index, "eps")
                if eps_node is None or (isinstance(eps_node, ast.Constant) and eps_node.value is None):
                    eps = eps_default
                else:
                    eps = _number(eps_node)
                    eps = _UNKNOWN if eps is None else eps
                facts.eps.setdefault(flax_cls, []).append(eps)
                trs = _kw(node, "track_running_stats")
                no_running = trs is not None and isinstance(trs.value, ast.Constant) and trs.value.value is False
                if flax_cls == "flax.nnx.BatchNorm" and no_running:
                    facts.bn_momenta.append(_UNKNOWN)  # unused momentum: we cannot tell which flax layer it is
                elif flax_cls == "flax.nnx.BatchNorm":
                    m_node = _arg(node, 2, "momentum")
                    if m_node is None:
                        facts.bn_momenta.append(0.1)
                    elif isinstance(m_node, ast.Constant) and m_node.value is None:
                        facts.bn_momenta.append(None)
                    else:
                        m = _number(m_node)
                        facts.bn_momenta.append(_UNKNOWN if m is None else m)
            is_std = name in ("torch.std", "torch.var", "torch.std_mean", "torch.var_mean") or (
                isinstance(node.func, ast.Attribute) and node.func.attr in ("std", "var")
                and not name.startswith(("torch.", "numpy.", "jax."))
            )
            if is_std:
                if _biased_torch_std(node):
                    facts.std_biased += 1
                else:
                    facts.std_unbiased += 1
        return facts


def _biased_torch_std(call: ast.Call) -> bool:
    for k in call.keywords:
        if k.arg == "unbiased" and isinstance(k.value, ast.Constant) and k.value.value is False:
            return True
        if k.arg == "correction" and _number(k.value) == 0:
            return True
    # old positional form: x.std(dim, False) / torch.std(x, dim, False)
    return any(isinstance(a, ast.Constant) and a.value is False for a in call.args)


# --------------------------------------------------------------------------- JAX side


class _Linter:
    def __init__(self, tree: ast.Module, facts: _TorchFacts):
        self.tree = tree
        self.facts = facts
        self.aliases = _aliases(tree, _DEFAULT_ALIASES)
        self.parents = {c: p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
        self.findings: dict[tuple[int, str], Finding] = {}
        self.nnx_classes = self._nnx_module_classes()

    def canon(self, node: ast.AST) -> str:
        return _canon(node, self.aliases) or ""

    def add(self, rule: str, node: ast.AST, message: str, note: str | None = None) -> None:
        line = getattr(node, "lineno", 1)
        self.findings.setdefault((line, rule), Finding(rule, line, message, note or NOTES[rule][0]))

    def is_module_ref(self, node: ast.AST) -> bool:
        """True when `node` names an imported module or object (jnp, jax.random), not a value."""
        raw = dotted(node)
        return raw is not None and raw.split(".")[0] in self.aliases and raw.split(".")[0] != "self"

    def run(self) -> None:
        self.check_torch_leftover()
        self.check_calls()
        self.check_inplace_assignments()
        self.check_traced_python()
        self.check_classes()
        self.check_nhwc_reshape()

    # ---- classes

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

    def is_layer_call(self, node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        name = self.canon(node.func)
        if name.startswith("flax.nnx."):
            last = name.rsplit(".", 1)[-1]
            return last[:1].isupper() and last not in _NNX_NON_MODULES
        return isinstance(node.func, ast.Name) and node.func.id in self.nnx_classes

    # ---- torch-leftover and device-move on names

    def check_torch_leftover(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == "torch" or a.name.startswith("torch."):
                        self.add("torch-leftover", node,
                                 f"`import {a.name}` in JAX code: drop it and use jax.numpy / flax.nnx / optax instead")
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                if node.module == "torch" or node.module.startswith("torch."):
                    self.add("torch-leftover", node,
                             f"`from {node.module} import ...` in JAX code: drop it and use the JAX counterparts")
            elif isinstance(node, (ast.Attribute, ast.Name)):
                parent = self.parents.get(node)
                if isinstance(parent, ast.Attribute) and parent.value is node:
                    continue  # judge the whole dotted name once
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    continue
                name = self.canon(node)
                raw = dotted(node) or ""
                if name.startswith(("torch.device", "torch.cuda", "torch.backends")):
                    self.add("device-move", node,
                             f"`{raw}` has no meaning in JAX: remove it (arrays live on the default device; "
                             "use jax.devices() / jax.device_put only to place them explicitly)")
                elif name == "torch" or name.startswith("torch."):
                    self.add("torch-leftover", node,
                             f"`{raw}` is PyTorch: use the jax.numpy / jax.nn / flax.nnx equivalent")

    # ---- rules that look at single calls

    def check_calls(self) -> None:
        jax_gelu_refs = []
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.Attribute, ast.Name)) and self.canon(node) in ("jax.nn.gelu", "flax.nnx.gelu"):
                jax_gelu_refs.append(node)
            if isinstance(node, ast.Compare):
                self.check_device_compare(node)
            if not isinstance(node, ast.Call):
                continue
            name = self.canon(node.func)
            self.check_torch_kwargs(node, name)
            self.check_method_call(node)
            self.check_device_kw(node)
            if name == "flax.nnx.BatchNorm":
                self.check_batchnorm_momentum(node)
            if name in _FLAX_EPS_DEFAULT:
                self.check_norm_eps(node, name)
            if name in ("jax.numpy.std", "jax.numpy.var") or (
                isinstance(node.func, ast.Attribute) and node.func.attr in ("std", "var")
                and not self.is_module_ref(node.func.value)
            ):
                self.check_std_ddof(node)
        self.check_gelu(jax_gelu_refs)

    def check_torch_kwargs(self, call: ast.Call, name: str) -> None:
        is_fn = name.startswith(("jax.numpy.", "jax.nn.", "jax.scipy.special.")) or (
            name.startswith("flax.nnx.") and name.rsplit(".", 1)[-1][:1].islower()
        )
        is_method = (
            isinstance(call.func, ast.Attribute) and call.func.attr in _ARRAY_AXIS_METHODS
            and not self.is_module_ref(call.func.value)
        )
        if not (is_fn or is_method):
            return
        shown = (dotted(call.func) or call.func.attr) if is_fn else f".{call.func.attr}"
        for k in call.keywords:
            if k.arg in _KWARG_FIXES:
                right, how = _KWARG_FIXES[k.arg]
                self.add("torch-kwargs", call,
                         f"`{shown}(..., {k.arg}=...)` is PyTorch's spelling: JAX uses `{right}=` ({how})",
                         "tensors-std-var-correction" if k.arg == "unbiased" else None)

    def check_method_call(self, call: ast.Call) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute) or self.is_module_ref(func.value):
            return
        attr = func.attr
        if attr in _INPLACE_METHODS:
            hint = _INPLACE_HINTS.get(
                attr, "rebind the out-of-place result (x = f(x)), or var[...] = new for an nnx.Variable")
            self.add("inplace-mutation", call,
                     f"`.{attr}()` is a PyTorch in-place method and jax arrays are immutable: write {hint}",
                     "tensors-inplace-aliasing")
        elif attr in ("cuda", "cpu") and not call.args:
            self.add("device-move", call,
                     f"`.{attr}()` is a PyTorch device move: remove it "
                     "(use jax.device_put only to place data explicitly)")
        elif attr == "to" and (call.args or call.keywords):
            if self.looks_like_dtype(call):
                self.add("device-move", call, "`.to(dtype)` does not exist on jax arrays: write x.astype(dtype)",
                         "tensors-cast-methods")
            else:
                self.add("device-move", call,
                         "`.to(device)` is a PyTorch device move: remove it "
                         "(jax.device_put(x, device) if you must place data)")

    def looks_like_dtype(self, call: ast.Call) -> bool:
        if _kw(call, "dtype") is not None:
            return True
        for a in call.args:
            raw = dotted(a) or ""
            if raw.rsplit(".", 1)[-1] in _DTYPE_NAMES:
                return True
            if isinstance(a, ast.Constant) and a.value in _DTYPE_NAMES:
                return True
        return False

    def check_device_kw(self, call: ast.Call) -> None:
        k = _kw(call, "device")
        if k is not None and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str):
            if k.value.value.split(":")[0] in ("cuda", "mps", "cpu"):
                self.add("device-move", call,
                         f"`device={k.value.value!r}` is a PyTorch device string: drop it "
                         "(JAX uses the default device)")

    def check_device_compare(self, node: ast.Compare) -> None:
        for side in [node.left, *node.comparators]:
            raw = dotted(side) or ""
            parts = raw.split(".")
            if "device" in parts[1:] or "is_cuda" in parts[1:] or (
                isinstance(side, ast.Constant) and isinstance(side.value, str) and side.value.split(":")[0] == "cuda"
            ):
                self.add("device-move", node,
                         "comparing devices is PyTorch bookkeeping: JAX code needs no device check, remove it")
                return

    def check_batchnorm_momentum(self, call: ast.Call) -> None:
        k = _kw(call, "momentum")
        m = 0.99 if k is None else _number(k.value)
        known = [t for t in self.facts.bn_momenta if t is not None and t is not _UNKNOWN]
        torch_t = known[0] if known and len(known) == len(self.facts.bn_momenta) and all(
            _same(t, known[0]) for t in known) else None
        if m is None:
            return
        if k is not None and m < 0.5:
            want = torch_t if torch_t is not None else m
            self.add("batchnorm-momentum", call,
                     f"nnx.BatchNorm momentum={_fmt(m)} looks like PyTorch's convention: flax momentum = "
                     f"1 - torch momentum, write momentum={_fmt(1 - want)}")
        elif torch_t is not None and not _same(m, 1 - torch_t):
            given = f"momentum={_fmt(m)}" if k is not None else "the flax default momentum=0.99"
            self.add("batchnorm-momentum", call,
                     f"the PyTorch BatchNorm uses momentum={_fmt(torch_t)}, so nnx.BatchNorm needs "
                     f"momentum={_fmt(1 - torch_t)} (1 - torch momentum), not {given}")

    def check_norm_eps(self, call: ast.Call, name: str) -> None:
        torch_eps = self.facts.eps.get(name)
        if not torch_eps or any(e is _UNKNOWN for e in torch_eps) or _has_star_kwargs(call):
            return
        k = _kw(call, "epsilon")
        eps = _FLAX_EPS_DEFAULT[name] if k is None else _number(k.value)
        if eps is None or any(_same(eps, t) for t in torch_eps):
            return
        short = name.rsplit(".", 1)[-1]
        want = " or ".join(sorted({repr(t) for t in torch_eps}))
        have = f"epsilon={_fmt(eps)}" if k is not None else f"the flax default epsilon={_fmt(eps)}"
        self.add("layernorm-eps", call,
                 f"nnx.{short} uses {have} but the PyTorch layer uses eps={want}: pass epsilon={want}",
                 "modules-rmsnorm-eps" if short == "RMSNorm" else None)

    def check_std_ddof(self, call: ast.Call) -> None:
        f = self.facts
        if not f.std_unbiased or f.std_biased or _kw(call, "ddof") or _kw(call, "correction"):
            return
        if _has_star_kwargs(call):
            return
        self.add("std-ddof", call,
                 "PyTorch's std()/var() are unbiased by default (divide by N-1) but jnp.std/var use ddof=0: "
                 "pass ddof=1")

    def check_gelu(self, refs: list[ast.AST]) -> None:
        f = self.facts
        if f.gelu_exact == f.gelu_tanh:  # no GELU in the PyTorch code, or both kinds
            return
        for node in refs:
            parent = self.parents.get(node)
            approx = True  # jax.nn.gelu's default
            if isinstance(parent, ast.Call) and parent.func is node:
                k = _kw(parent, "approximate")
                if _has_star_kwargs(parent):
                    continue
                if k is not None:
                    if not (isinstance(k.value, ast.Constant) and isinstance(k.value.value, bool)):
                        continue
                    approx = k.value.value
            elif isinstance(parent, ast.Call) and parent.args and parent.args[0] is node and (
                self.canon(parent.func) == "functools.partial"
            ):
                k = _kw(parent, "approximate")
                if k is not None:
                    if not (isinstance(k.value, ast.Constant) and isinstance(k.value.value, bool)):
                        continue
                    approx = k.value.value
            if f.gelu_exact and approx:
                self.add("gelu-approximate", node,
                         "PyTorch's nn.GELU()/F.gelu are exact (erf) but jax.nn.gelu defaults to the tanh "
                         "approximation: call jax.nn.gelu(x, approximate=False) "
                         "(or functools.partial(jax.nn.gelu, approximate=False))")
            elif f.gelu_tanh and not approx:
                self.add("gelu-approximate", node,
                         "the PyTorch code uses GELU(approximate='tanh'): call jax.nn.gelu(x, approximate=True)")

    # ---- inplace-mutation: item assignment

    def check_inplace_assignments(self) -> None:
        scopes = [self.tree, *_functions(self.tree)]
        for scope in scopes:
            containers = self.container_names(scope)
            if scope is not self.tree:
                # A name the function neither receives nor binds is a global or closure
                # (registries, caches): its type is unknowable here, so leave it alone.
                bound = set(_param_names(scope)) | {
                    n.id for n in self.scope_nodes(scope) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
                }
                containers |= self.unbound_names(scope, bound)
            for node in self.scope_nodes(scope):
                if isinstance(node, ast.Assign):
                    targets = node.targets
                elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                    targets = [node.target]
                else:
                    continue
                for t in targets:
                    for sub in self.subscript_targets(t):
                        self.report_setitem(node, sub, containers)

    def unbound_names(self, scope: ast.AST, bound: set[str]) -> set[str]:
        return {n.id for n in self.scope_nodes(scope) if isinstance(n, ast.Name) and n.id not in bound}

    def scope_nodes(self, scope: ast.AST):
        """The nodes of one scope, without descending into nested functions (they are scopes of their own)."""
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            yield node
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.extend(ast.iter_child_nodes(node))

    def subscript_targets(self, target: ast.AST):
        if isinstance(target, ast.Subscript):
            yield target
        elif isinstance(target, (ast.Tuple, ast.List)):
            for e in target.elts:
                yield from self.subscript_targets(e)
        elif isinstance(target, ast.Starred):
            yield from self.subscript_targets(target.value)

    def container_names(self, scope: ast.AST) -> set[str]:
        """Names that are plainly Python lists/dicts/sets or numpy arrays (mutable, so item assignment is fine)."""
        names: set[str] = set()
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = scope.args
            for arg in a.posonlyargs + a.args + a.kwonlyargs:
                ann = (dotted(arg.annotation.value) if isinstance(arg.annotation, ast.Subscript)
                       else dotted(arg.annotation)) if arg.annotation is not None else None
                if ann and ann.rsplit(".", 1)[-1] in ("dict", "list", "Dict", "List", "MutableMapping",
                                                       "MutableSequence", "defaultdict", "OrderedDict", "set"):
                    names.add(arg.arg)
            if a.kwarg is not None:
                names.add(a.kwarg.arg)
        for node in self.scope_nodes(scope):
            if isinstance(node, ast.Assign):
                value, targets = node.value, node.targets
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                value, targets = node.value, [node.target]
            else:
                continue
            for t in targets:
                if isinstance(t, ast.Name) and self.is_container_value(value):
                    names.add(t.id)
                elif isinstance(t, ast.Tuple) and isinstance(value, ast.Tuple) and len(t.elts) == len(value.elts):
                    names |= {e.id for e, v in zip(t.elts, value.elts)  # a, b = {}, []
                              if isinstance(e, ast.Name) and self.is_container_value(v)}
        return names

    def is_container_value(self, value: ast.AST) -> bool:
        if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
            return True
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):  # [0] * n
            return isinstance(value.left, ast.List) or isinstance(value.right, ast.List)
        if isinstance(value, ast.Call):
            name = self.canon(value.func)
            if name in ("list", "dict", "set", "bytearray") or name.startswith(("collections.", "numpy.", "copy.")):
                return True
            if name.rsplit(".", 1)[-1] in ("defaultdict", "OrderedDict", "Counter", "deque"):
                return True
            # methods of a numpy array or list (np.zeros(3).astype(...), xs.copy()) keep it one
            if isinstance(value.func, ast.Attribute):
                return self.is_container_value(value.func.value)
        return False

    def report_setitem(self, stmt: ast.AST, sub: ast.Subscript, containers: set[str]) -> None:
        base = sub
        while isinstance(base, ast.Subscript):
            base = base.value
        if not isinstance(base, ast.Name) or base.id in containers or base.id in ("self", "cls"):
            return  # attributes (self.var[...] = v) are nnx.Variables or plain containers
        value = getattr(stmt, "value", None)
        if value is not None and (self.is_container_value(value) or (
                isinstance(value, ast.Constant) and (value.value is None or isinstance(value.value, str)))):
            return  # storing a list, dict, None or string: the target is a Python container
        if isinstance(sub.slice, ast.Call) and self.canon(sub.slice.func) in ("id", "str", "tuple", "hash", "repr"):
            return  # keyed by id()/str(): a dict
        if isinstance(sub.slice, ast.Constant) and sub.slice.value is Ellipsis:
            return  # var[...] = v is how an nnx.Variable is set
        if isinstance(sub.slice, ast.JoinedStr) or (
                isinstance(sub.slice, ast.Constant) and isinstance(sub.slice.value, str)):
            return  # a string key: a dict, never an array
        if sub.value is not base:
            idx = "..."
        elif isinstance(sub.slice, ast.Tuple):  # unparse would wrap x[:, 0] as (:, 0)
            idx = ", ".join(ast.unparse(e) for e in sub.slice.elts)
        else:
            idx = ast.unparse(sub.slice)
        name = base.id
        if isinstance(stmt, ast.AugAssign):
            method = _AT_METHODS.get(type(stmt.op), "apply")
            fix = f"{name} = {name}.at[{idx}].{method}(v)"
        else:
            fix = f"{name} = {name}.at[{idx}].set(v)"
        self.add("inplace-mutation", stmt,
                 f"item assignment to `{name}` mutates in place: if {name} is a jax array use {fix}")

    # ---- traced-python

    def jitted_functions(self) -> dict[ast.AST, set[str]]:
        """Functions compiled with jit, mapped to their static argument names."""
        defs: dict[str, list] = {}
        for fn in _functions(self.tree):
            defs.setdefault(fn.name, []).append(fn)
        jitted: dict[ast.AST, set[str]] = {}
        for fn in _functions(self.tree):
            for dec in fn.decorator_list:
                static = self.jit_static(dec, fn)
                if static is not None:
                    jitted[fn] = static
        for node in ast.walk(self.tree):  # step = jax.jit(train_step, ...)
            if isinstance(node, ast.Call) and self.canon(node.func) in _JIT_NAMES and node.args:
                target = node.args[0]
                if isinstance(target, ast.Name):
                    for fn in defs.get(target.id, []):
                        jitted[fn] = self.static_names(node, fn)
        return jitted

    def jit_static(self, dec: ast.AST, fn) -> set[str] | None:
        if self.canon(dec) in _JIT_NAMES:
            return set()
        if isinstance(dec, ast.Call):
            name = self.canon(dec.func)
            if name in _JIT_NAMES:
                return self.static_names(dec, fn)
            if name == "functools.partial" and dec.args and self.canon(dec.args[0]) in _JIT_NAMES:
                return self.static_names(dec, fn)
        return None

    def static_names(self, call: ast.Call, fn) -> set[str]:
        static: set[str] = set()
        positional = _positional_names(fn)
        for k in call.keywords:
            vals = k.value.elts if isinstance(k.value, (ast.Tuple, ast.List)) else [k.value]
            for v in vals:
                if not isinstance(v, ast.Constant):
                    continue
                if k.arg == "static_argnames" and isinstance(v.value, str):
                    static.add(v.value)
                elif (k.arg == "static_argnums" and isinstance(v.value, int)
                      and -len(positional) <= v.value < len(positional)):
                    static.add(positional[v.value])
        return static

    def depends_on(self, expr: ast.AST, tainted: set[str]) -> bool:
        """Does `expr` use a traced name, other than through static properties (shape, dtype, `is None`)?"""
        stack = [expr]  # iterative: generated code can nest deeper than Python's recursion limit
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name):
                if node.id in tainted:
                    return True
                continue
            if isinstance(node, ast.Attribute):
                parent = self.parents.get(node)
                is_method = isinstance(parent, ast.Call) and parent.func is node
                if node.attr in _STATIC_ATTRS or (not is_method and node.attr not in _ARRAY_ATTRS):
                    continue
                stack.append(node.value)
                continue
            if isinstance(node, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
                continue
            if isinstance(node, ast.Call) and self.canon(node.func) in _STATIC_FUNCS:
                continue
            if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            stack.extend(ast.iter_child_nodes(node))
        return False

    def taint(self, fn, static: set[str]) -> set[str]:
        # A parameter with a literal default (training=False) is usually left to its default, which jit
        # does not trace; flagging `if training:` there would mostly be noise.
        a = fn.args
        positional = a.posonlyargs + a.args
        defaulted = {x.arg for x, d in zip(positional[len(positional) - len(a.defaults):], a.defaults)
                     if isinstance(d, ast.Constant)}
        defaulted |= {x.arg for x, d in zip(a.kwonlyargs, a.kw_defaults) if isinstance(d, ast.Constant)}
        tainted = {n for n in _param_names(fn) if n not in static | defaulted and n not in ("self", "cls")}
        assigns = []
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign):
                assigns.append((node.targets, node.value))
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                assigns.append(([node.target], node.value))
            elif isinstance(node, (ast.For, ast.comprehension)):
                assigns.append(([node.target], node.iter))
        changed = True
        while changed:  # flow-insensitive: a name is traced if any assignment makes it so
            changed = False
            for targets, value in assigns:
                if not self.depends_on(value, tainted):
                    continue
                for t in targets:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name) and n.id not in tainted:
                            tainted.add(n.id)
                            changed = True
        return tainted

    def check_traced_python(self) -> None:
        jitted = self.jitted_functions()
        for fn, static in jitted.items():
            tainted = self.taint(fn, static)
            for node in ast.walk(fn):
                self.check_item_call(node, "a jitted function")
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in ("float", "int", "bool") and node.func.id not in self.aliases
                        and len(node.args) == 1 and self.depends_on(node.args[0], tainted)):
                    self.add("traced-python", node,
                             f"`{node.func.id}(...)` of a traced value inside a jitted function fails "
                             "(ConcretizationTypeError): keep it as an array, or mark the argument static")
                if isinstance(node, (ast.If, ast.While, ast.IfExp)) and self.depends_on(node.test, tainted):
                    self.add_branch(node, "a jitted function")
        for cls in self.nnx_classes.values():
            for fn in cls.body:
                if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.name != "__call__":
                    continue
                if fn in jitted:
                    continue
                for node in ast.walk(fn):
                    self.check_item_call(node, "an nnx.Module __call__ (which is usually jitted)")
                    if isinstance(node, (ast.If, ast.While)) and self.array_valued_test(node.test):
                        self.add_branch(node, "__call__ (which is usually jitted)")

    def check_item_call(self, node: ast.AST, where: str) -> None:
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("item", "tolist") and not node.args and not node.keywords
                and not self.is_module_ref(node.func.value)):
            self.add("traced-python", node,
                     f"`.{node.func.attr}()` inside {where} fails on a tracer (ConcretizationTypeError): "
                     "keep the value as a jax array, or convert outside jit")

    def add_branch(self, node: ast.AST, where: str) -> None:
        kind = {ast.If: "if", ast.While: "while", ast.IfExp: "if-expression"}[type(node)]
        fix = "jax.lax.while_loop" if kind == "while" else "jnp.where(cond, a, b) or jax.lax.cond"
        self.add("traced-python", node,
                 f"Python `{kind}` on an array value inside {where} raises TracerBoolConversionError under jit: "
                 f"use {fix}, or make the deciding argument static")

    def array_valued_test(self, test: ast.AST) -> bool:
        """A test that plainly computes on array values: calls jnp, or uses a reduction method's result."""
        stack = [test]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
                continue
            if isinstance(node, ast.Attribute) and node.attr in _STATIC_ATTRS:
                continue
            if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(node, ast.Call):
                name = self.canon(node.func)
                if name in _STATIC_FUNCS:
                    continue
                if name.startswith("jax.numpy."):
                    return True
                if (isinstance(node.func, ast.Attribute) and node.func.attr in _REDUCE_METHODS
                        and not self.is_module_ref(node.func.value)):
                    return True
            stack.extend(ast.iter_child_nodes(node))
        return False

    # ---- rules per nnx.Module class: dropout-rng, plain-module-list, fixed keys in __call__

    def check_classes(self) -> None:
        for cls in self.nnx_classes.values():
            methods = {f.name: f for f in cls.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
            init = methods.get("__init__")
            keyless: set[str] = set()
            if init is not None:
                keyless = self.check_dropout_init(init)
                self.check_plain_lists(init)
            for fn in methods.values():
                if fn is not init:
                    self.check_dropout_calls(fn, keyless)
        for fn in _functions(self.tree):
            if fn.name == "__call__":
                self.check_fixed_keys(fn)

    def check_dropout_init(self, init) -> set[str]:
        """Flag nnx.Dropout(...) without rngs when rngs are at hand; return the attributes holding such dropouts."""
        has_rngs = "rngs" in _param_names(init)
        keyless: set[str] = set()
        for node in ast.walk(init):
            if isinstance(node, ast.Call) and self.canon(node.func) == "flax.nnx.Dropout":
                if _kw(node, "rngs") is not None or _has_star_kwargs(node):
                    continue
                if has_rngs:
                    self.add("dropout-rng", node,
                             "nnx.Dropout(...) without rngs=: pass rngs=rngs so training mode has a key "
                             "(without it a call with deterministic=False raises)")
                parent = self.parents.get(node)
                if isinstance(parent, ast.Assign):
                    for t in parent.targets:
                        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                            keyless.add(t.attr)
        return keyless

    def check_dropout_calls(self, fn, keyless: set[str]) -> None:
        if not keyless:
            return
        for node in ast.walk(fn):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"
                    and node.func.attr in keyless):
                continue
            det = _kw(node, "deterministic")
            if (det is not None and isinstance(det.value, ast.Constant) and det.value.value is False
                    and _kw(node, "rngs") is None and not _has_star_kwargs(node)):
                self.add("dropout-rng", node,
                         f"self.{node.func.attr} is an nnx.Dropout built without rngs and called with "
                         "deterministic=False: give it rngs=rngs in __init__ (or pass rngs= here), else it raises")

    def check_fixed_keys(self, fn) -> None:
        def literal_key(n: ast.AST) -> bool:
            return (isinstance(n, ast.Call) and self.canon(n.func) in ("jax.random.key", "jax.random.PRNGKey")
                    and bool(n.args) and all(isinstance(a, ast.Constant) for a in n.args))

        fixed = {t.id for node in ast.walk(fn) if isinstance(node, ast.Assign) and literal_key(node.value)
                 for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(fn):
            if not isinstance(node, ast.Call):
                continue
            name = self.canon(node.func)
            if not name.startswith("jax.random.") or name in ("jax.random.key", "jax.random.PRNGKey"):
                continue
            key = _arg(node, 0, "key")
            if key is not None and (literal_key(key) or (isinstance(key, ast.Name) and key.id in fixed)):
                self.add("dropout-rng", node,
                         "a fixed PRNG key inside __call__ gives the same random numbers on every call: draw keys "
                         "from an nnx.Rngs stream (keep rngs from __init__, e.g. self.rngs.dropout()) "
                         "or take a key argument",
                         "tensors-random-keys")

    def check_plain_lists(self, init) -> None:
        appended: dict[str, bool] = {}  # local list name -> a layer was appended to it
        lists = self.container_names(init)
        for node in ast.walk(init):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("append", "extend", "insert") and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in lists):
                if any(self.holds_layers(a) or self.is_layer_call(a) for a in node.args):
                    appended[node.func.value.id] = True
        for node in ast.walk(init):
            if not isinstance(node, ast.Assign):
                continue
            for t in node.targets:
                if not (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"):
                    continue
                v = node.value
                if self.holds_layers(v) or (isinstance(v, ast.Name) and appended.get(v.id)):
                    wrapper = "nnx.Dict({...})" if isinstance(v, (ast.Dict, ast.DictComp)) else "nnx.List([...])"
                    self.add("plain-module-list", node,
                             f"self.{t.attr} holds submodules in a plain Python container, which flax 0.12 rejects: "
                             f"wrap it as self.{t.attr} = {wrapper}")

    def holds_layers(self, v: ast.AST) -> bool:
        def layer_or_data(e: ast.AST) -> bool:
            if self.is_layer_call(e):
                return True
            return isinstance(e, ast.Call) and self.canon(e.func).rsplit(".", 1)[-1] in _NNX_DATA and (
                self.canon(e.func).startswith("flax.nnx."))

        if isinstance(v, (ast.List, ast.Tuple, ast.Set)):
            return any(layer_or_data(e) for e in v.elts)
        if isinstance(v, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return layer_or_data(v.elt)
        if isinstance(v, ast.Dict):
            return any(layer_or_data(e) for e in v.values)
        if isinstance(v, ast.DictComp):
            return layer_or_data(v.value)
        if isinstance(v, ast.Call) and self.canon(v.func) in ("list", "tuple", "dict") and len(v.args) == 1:
            return self.holds_layers(v.args[0])
        return False

    # ---- nhwc-reshape

    def check_nhwc_reshape(self) -> None:
        for fn in _functions(self.tree):
            to_nhwc, back, pooled, flattens = [], False, False, []
            for node in self.scope_nodes(fn):
                if not isinstance(node, ast.Call):
                    continue
                perm = self.permutation(node)
                if perm in _TO_NHWC:
                    to_nhwc.append(node.lineno)
                elif perm in _TO_NCHW:
                    back = True
                if self.is_spatial_reduction(node):
                    pooled = True
                if self.is_flatten(node):
                    flattens.append(node)
            if not to_nhwc or back or pooled:
                continue
            first = min(to_nhwc)
            for node in flattens:
                if node.lineno > first:
                    self.add("nhwc-reshape", node,
                             "flattening an NHWC array orders features (H, W, C) but PyTorch flattens NCHW as "
                             "(C, H, W): transpose back first, x = jnp.transpose(x, (0, 3, 1, 2)), then reshape")

    def permutation(self, call: ast.Call) -> tuple | None:
        name = self.canon(call.func)
        if name in ("jax.numpy.transpose", "jax.numpy.permute_dims"):
            return _int_tuple(_arg(call, 1, "axes"))
        if name == "jax.numpy.moveaxis" and len(call.args) >= 3:
            src, dst = _number(call.args[1]), _number(call.args[2])
            if src == 1 and dst in (-1, 3):
                return (0, 2, 3, 1)
            if src in (-1, 3) and dst == 1:
                return (0, 3, 1, 2)
            return None
        if (isinstance(call.func, ast.Attribute) and call.func.attr == "transpose"
                and not self.is_module_ref(call.func.value)):
            if len(call.args) == 1:
                return _int_tuple(call.args[0])
            vals = tuple(_number(a) for a in call.args)
            return vals if vals and all(isinstance(v, int) for v in vals) else None
        return None

    def is_spatial_reduction(self, call: ast.Call) -> bool:
        """A mean/max over the spatial axes: after it the flatten order no longer matters."""
        name = self.canon(call.func)
        is_jnp = name in ("jax.numpy.mean", "jax.numpy.max", "jax.numpy.sum", "jax.numpy.amax")
        is_method = isinstance(call.func, ast.Attribute) and call.func.attr in ("mean", "max", "sum") and not (
            self.is_module_ref(call.func.value))
        if not (is_jnp or is_method):
            return False
        axis = _arg(call, 1 if is_jnp else 0, "axis")
        return _int_tuple(axis) in ((1, 2), (-3, -2), (1, 2, 3))

    def is_flatten(self, call: ast.Call) -> bool:
        name = self.canon(call.func)
        if name == "jax.numpy.ravel":
            return True
        if name == "jax.numpy.reshape":
            shape = _arg(call, 1, "shape")
            return isinstance(shape, (ast.Tuple, ast.List)) and bool(shape.elts) and _number(shape.elts[-1]) == -1
        if isinstance(call.func, ast.Attribute) and not self.is_module_ref(call.func.value):
            if call.func.attr in ("ravel", "flatten") and not call.args:
                return True
            if call.func.attr == "reshape" and call.args:
                one_tuple = len(call.args) == 1 and isinstance(call.args[0], (ast.Tuple, ast.List))
                dims = call.args[0].elts if one_tuple else call.args
                return bool(dims) and len(dims) <= 2 and _number(dims[-1]) == -1
        return False
