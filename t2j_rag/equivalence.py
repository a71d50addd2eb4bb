"""Run a PyTorch program and its JAX translation on the same inputs and weights, and compare.

This is the in-process core of the verifier: it imports both sources, builds the
inputs from the PyTorch side's `get_inputs()` / `get_init_inputs()`, moves the
weights with `weights.convert_module`, runs both and compares every output. It
executes arbitrary code, so callers that handle untrusted code must run it in a
child process (see `sandbox`); the corpus tests call it directly on our own pairs.

Outputs may be arrays, scalars, or nested tuples/lists/dicts of them. Integer
and boolean outputs must match exactly, floating ones within rtol/atol.

Example::

    r = check_equivalence(torch_src, jax_src, entry="Model")
    r.passed, r.stage, r.max_abs_err     # (True, "ok", 2.3e-07)
"""

from __future__ import annotations

import inspect
import itertools
import sys
import traceback
import types
from dataclasses import asdict, dataclass

import numpy as np

STAGES = ("ok", "parse", "import", "construct", "weights", "runtime", "shape", "dtype", "numeric", "timeout", "memory")
DEFAULT_RTOL = 1e-4
DEFAULT_ATOL = 1e-5

_counter = itertools.count()


@dataclass
class VerifyResult:
    """Outcome of one comparison. `stage` is where it stopped ("ok" when passed)."""

    passed: bool
    stage: str
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    mismatch_path: str | None = None
    message: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


class _Fail(Exception):
    def __init__(self, stage: str, message: str, path: str | None = None):
        super().__init__(message)
        self.stage, self.message, self.path = stage, message, path


def _short_traceback(exc: BaseException, limit: int = 6) -> str:
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    text = "".join(lines).strip().splitlines()
    return "\n".join(text[-limit:])


def _user_failure(stage: str, what: str, exc: BaseException) -> _Fail:
    """A _Fail for an exception raised by compared code; memory exhaustion gets its own stage."""
    text = _short_traceback(exc)
    if isinstance(exc, MemoryError) or "RESOURCE_EXHAUSTED" in text or "bad_alloc" in text:
        stage = "memory"
    return _Fail(stage, f"{what}:\n{text}")


def load_source(code: str, label: str) -> types.ModuleType:
    """Execute `code` as a fresh module (registered in sys.modules so dataclasses work)."""
    try:
        compiled = compile(code, f"<{label}>", "exec")
    except SyntaxError as exc:
        raise _Fail("parse", f"{label}: SyntaxError: {exc.msg} (line {exc.lineno})") from None
    name = f"_t2j_{label}_{next(_counter)}"
    module = types.ModuleType(name)
    module.__file__ = f"<{label}>"
    sys.modules[name] = module
    try:
        exec(compiled, module.__dict__)
    except Exception as exc:  # noqa: BLE001 - any failure of user code is a verdict
        raise _user_failure("import", f"{label} failed at import", exc) from None
    return module


# --- inputs -----------------------------------------------------------------------


def make_inputs(torch_module: types.ModuleType, seed: int = 0) -> tuple[list, list]:
    """Call get_inputs()/get_init_inputs() under a fixed seed."""
    import torch

    torch.manual_seed(seed)
    np.random.seed(seed)
    if not hasattr(torch_module, "get_inputs"):
        raise _Fail("construct", "the PyTorch side defines no get_inputs()")
    try:
        inputs = list(torch_module.get_inputs())
        init = list(torch_module.get_init_inputs()) if hasattr(torch_module, "get_init_inputs") else []
    except Exception as exc:  # noqa: BLE001
        raise _user_failure("construct", "get_inputs()/get_init_inputs() failed", exc) from None
    return inputs, init


_DTYPES = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool")


def inputs_from_spec(spec: dict, seed: int = 0) -> tuple[list, list]:
    """Build seeded torch inputs from a JSON spec (see README, "Input spec").

    >>> inputs, init = inputs_from_spec({"inputs": [{"shape": [2, 3]}, {"shape": [2], "dtype": "int64",
    ...                                   "low": 0, "high": 5}, {"value": 0.5}], "init": [3]})
    >>> [tuple(inputs[0].shape), str(inputs[1].dtype), inputs[2], init]
    [(2, 3), 'torch.int64', 0.5, [3]]
    """
    import torch

    gen = torch.Generator().manual_seed(seed)
    out = []
    for i, item in enumerate(spec.get("inputs", [])):
        if "value" in item:
            out.append(item["value"])
            continue
        shape = tuple(item.get("shape", ()))
        dtype_name = item.get("dtype", "float32")
        if dtype_name not in _DTYPES:
            raise _Fail("construct", f"input {i}: unknown dtype {dtype_name!r} (one of {', '.join(_DTYPES)})")
        dtype = getattr(torch, dtype_name)
        if dtype == torch.bool:
            out.append(torch.rand(shape, generator=gen) < item.get("p", 0.5))
        elif dtype.is_floating_point:
            if item.get("dist", "normal") == "uniform":
                low, high = item.get("low", 0.0), item.get("high", 1.0)
                t = low + (high - low) * torch.rand(shape, generator=gen)
            else:
                t = item.get("mean", 0.0) + item.get("std", 1.0) * torch.randn(shape, generator=gen)
            out.append(t.to(dtype))
        else:
            out.append(torch.randint(item.get("low", 0), item.get("high", 10), shape, generator=gen, dtype=dtype))
    return out, list(spec.get("init", []))


def to_jax(obj):
    """torch tensors -> jax arrays, recursively; other values unchanged."""
    import jax.numpy as jnp
    import torch

    if isinstance(obj, torch.Tensor):
        return jnp.asarray(obj.detach().cpu().numpy().copy())
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_jax(o) for o in obj)
    if isinstance(obj, dict):
        return {k: to_jax(v) for k, v in obj.items()}
    return obj


def clone_torch(obj):
    import torch

    if isinstance(obj, torch.Tensor):
        return obj.clone()
    if isinstance(obj, (list, tuple)):
        return type(obj)(clone_torch(o) for o in obj)
    if isinstance(obj, dict):
        return {k: clone_torch(v) for k, v in obj.items()}
    return obj


# --- hiding nothing ---------------------------------------------------------------


def randomize_hidden_defaults(model, seed: int = 0) -> None:
    """Perturb what default initialisation would hide from a comparison.

    Zero biases, norm scales left at one and fresh BatchNorm running statistics
    (mean 0, var 1) make eps, affine and running-stat bugs invisible; after this
    they change the output.
    """
    import torch

    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for p in model.parameters():
            if not p.dtype.is_floating_point or p.numel() == 0:
                continue
            if torch.all(p == 0):
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
            elif torch.all(p == 1):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=gen))
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._NormBase) and m.track_running_stats:
                if m.running_mean is not None:
                    m.running_mean.copy_(0.5 * torch.randn(m.running_mean.shape, generator=gen))
                    m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=gen))


# --- comparison -------------------------------------------------------------------


def _as_numpy(x):
    import torch

    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if hasattr(x, "__array__") and not isinstance(x, np.ndarray):
        return np.asarray(x)
    return x


def _kind(a: np.ndarray) -> str:
    if a.dtype == np.bool_:
        return "bool"
    if np.issubdtype(a.dtype, np.integer):
        return "int"
    if np.issubdtype(a.dtype, np.complexfloating):
        return "complex"
    return "float"


class _Errors:
    def __init__(self):
        self.max_abs = 0.0
        self.max_rel = 0.0


def compare_outputs(expected, actual, rtol: float, atol: float, path: str = "out", errs: _Errors | None = None) -> _Errors:
    """Raise _Fail at the first mismatch; return the largest errors seen otherwise."""
    errs = errs or _Errors()
    expected, actual = _as_numpy(expected), _as_numpy(actual)
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(expected) != set(actual):
            raise _Fail("shape", f"{path}: PyTorch returns a dict with keys {sorted(expected)}, JAX returns {type(actual).__name__}"
                        + (f" with keys {sorted(actual)}" if isinstance(actual, dict) else ""), path)
        for k in expected:
            compare_outputs(expected[k], actual[k], rtol, atol, f"{path}[{k!r}]", errs)
        return errs
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            got = f"{type(actual).__name__} of length {len(actual)}" if isinstance(actual, (list, tuple)) else type(actual).__name__
            raise _Fail("shape", f"{path}: PyTorch returns a {type(expected).__name__} of length {len(expected)}, JAX a {got}", path)
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare_outputs(e, a, rtol, atol, f"{path}[{i}]", errs)
        return errs
    if expected is None or isinstance(expected, str):
        if type(expected) is not type(actual) or expected != actual:
            raise _Fail("numeric", f"{path}: PyTorch gives {expected!r}, JAX {actual!r}", path)
        return errs
    e = np.asarray(expected)
    try:
        a = np.asarray(actual)
    except Exception:  # noqa: BLE001
        raise _Fail("dtype", f"{path}: JAX returns {type(actual).__name__}, not an array", path) from None
    if a.dtype == object:
        raise _Fail("dtype", f"{path}: JAX returns {type(actual).__name__}, not an array", path)
    if e.shape != a.shape:
        raise _Fail("shape", f"{path}: shape {e.shape} in PyTorch, {a.shape} in JAX", path)
    ke, ka = _kind(e), _kind(a)
    if ke != ka and not (ke == "int" and ka == "float" and e.ndim == 0 and isinstance(expected, int)):
        raise _Fail("dtype", f"{path}: dtype {e.dtype} in PyTorch, {a.dtype} in JAX", path)
    if ke in ("bool", "int"):
        diff = e.astype(np.int64) != a.astype(np.int64)
        if diff.any():
            idx = tuple(int(i) for i in np.argwhere(diff)[0])
            raise _Fail("numeric", f"{path}: {int(diff.sum())} of {e.size} values differ; at {idx} PyTorch {e[idx]}, JAX {a[idx]}", path)
        return errs
    e64, a64 = e.astype(np.complex128 if ke == "complex" else np.float64), a.astype(np.complex128 if ke == "complex" else np.float64)
    nan_e, nan_a = np.isnan(e64), np.isnan(a64)
    if (nan_e != nan_a).any():
        raise _Fail("numeric", f"{path}: NaN in one output but not the other", path)
    finite = ~nan_e
    abs_err = np.abs(e64 - a64)[finite] if finite.any() else np.zeros(0)
    if abs_err.size:
        inf_mismatch = np.isinf(e64[finite]) | np.isinf(a64[finite])
        if inf_mismatch.any() and (e64[finite][inf_mismatch] != a64[finite][inf_mismatch]).any():
            raise _Fail("numeric", f"{path}: infinities differ", path)
        abs_err = np.where(inf_mismatch, 0.0, abs_err)
        rel = abs_err / np.maximum(np.abs(e64[finite]), 1e-12)
        errs.max_abs = max(errs.max_abs, float(abs_err.max()))
        errs.max_rel = max(errs.max_rel, float(np.where(abs_err > atol, rel, 0.0).max()))
        bad = abs_err > atol + rtol * np.abs(e64[finite])
        if bad.any():
            worst = float(abs_err.max())
            raise _Fail("numeric", f"{path}: {int(bad.sum())} of {e.size} values differ beyond rtol={rtol}, atol={atol}; "
                        f"max abs error {worst:.3g}", path)
    return errs


# --- the whole check --------------------------------------------------------------


def _accepts(fn, name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def construct_jax(cls, init_args: list, seed: int = 0):
    """Instantiate an NNX class, passing `rngs=nnx.Rngs(seed)` when it takes one."""
    from flax import nnx

    kwargs = {"rngs": nnx.Rngs(seed)} if _accepts(cls.__init__, "rngs") else {}
    return cls(*init_args, **kwargs)


def check_equivalence(torch_code: str, jax_code: str, entry: str = "Model", rtol: float | None = None,
                      atol: float | None = None, seed: int = 0, train: bool = False, grad: bool = False,
                      spec: dict | None = None) -> VerifyResult:
    """Run both sides and compare; never raises for faults in the compared code.

    `grad` also compares gradients of sum(outputs * fixed random cotangents) with
    respect to the float inputs and the parameters; `spec` replaces get_inputs().
    """
    rtol = DEFAULT_RTOL if rtol is None else rtol
    atol = DEFAULT_ATOL if atol is None else atol
    errs = _Errors()
    before = set(sys.modules)
    try:
        _check(torch_code, jax_code, entry, rtol, atol, seed, train, grad, spec, errs)
    except _Fail as f:
        return VerifyResult(False, f.stage, errs.max_abs or None, errs.max_rel or None, f.path, f.message)
    except MemoryError:
        return VerifyResult(False, "memory", message="MemoryError")
    finally:
        for name in set(sys.modules) - before:
            if name.startswith("_t2j_"):
                del sys.modules[name]  # the compared programs: let them be freed
    return VerifyResult(True, "ok", errs.max_abs, errs.max_rel, None, "outputs match")


def _check(torch_code, jax_code, entry, rtol, atol, seed, train, grad, spec, errs: _Errors) -> None:
    import torch

    from . import weights

    tmod = load_source(torch_code, "torch")
    jmod = load_source(jax_code, "jax")
    t_obj = getattr(tmod, entry, None)
    j_obj = getattr(jmod, entry, None)
    if t_obj is None:
        raise _Fail("construct", f"the PyTorch side defines no '{entry}'")
    if j_obj is None:
        raise _Fail("construct", f"the JAX side defines no '{entry}'")
    inputs, init = inputs_from_spec(spec, seed) if spec is not None else make_inputs(tmod, seed)
    j_inputs = to_jax(inputs)  # converted before the PyTorch run: in-place ops may change inputs

    is_module = isinstance(t_obj, type) and issubclass(t_obj, torch.nn.Module)
    if is_module:
        try:
            torch.manual_seed(seed)
            t_model = t_obj(*init)
            randomize_hidden_defaults(t_model, seed)
            t_model.train(train)
        except Exception as exc:  # noqa: BLE001
            raise _user_failure("construct", f"PyTorch {entry}(*get_init_inputs()) failed", exc) from None
        try:
            j_model = construct_jax(j_obj, init, seed)
        except Exception as exc:  # noqa: BLE001
            raise _user_failure("construct", f"JAX {entry}(*get_init_inputs()) failed", exc) from None
        try:
            hook = getattr(jmod, "convert_weights", None)
            if callable(hook):
                hook(weights.torch_state_dict_numpy(t_model), j_model)
            else:
                weights.convert_module(t_model, j_model)
        except weights.WeightError as exc:
            raise _Fail("weights", f"weight conversion failed: {exc}") from None
        except Exception as exc:  # noqa: BLE001
            raise _user_failure("weights", "weight conversion failed", exc) from None
        if hasattr(j_model, "train") and hasattr(j_model, "eval"):
            (j_model.train if train else j_model.eval)()
        t_call, j_call = t_model, j_model
    else:
        t_call, j_call = t_obj, j_obj

    t_inputs = clone_torch(inputs)
    if grad:
        for x in t_inputs:
            if isinstance(x, torch.Tensor) and x.dtype.is_floating_point:
                x.requires_grad_(True)
    try:
        # No torch.no_grad(): function entries may run training steps with autograd.
        expected = t_call(*t_inputs)
    except Exception as exc:  # noqa: BLE001
        raise _user_failure("runtime", "PyTorch side failed", exc) from None
    try:
        actual = j_call(*j_inputs)
    except Exception as exc:  # noqa: BLE001
        raise _user_failure("runtime", "JAX side failed", exc) from None
    compare_outputs(expected, actual, rtol, atol, "out", errs)
    if grad:
        from .gradients import compare_gradients

        compare_gradients(t_call, j_call, t_inputs, j_inputs, expected, jmod, is_module, rtol, atol, seed, errs)


def run_job(payload: dict) -> dict:
    """Sandbox handler: `payload` holds check_equivalence's arguments; returns VerifyResult as a dict."""
    keys = ("torch_code", "jax_code", "entry", "rtol", "atol", "seed", "train", "grad", "spec")
    return check_equivalence(**{k: payload[k] for k in keys if k in payload}).to_dict()


def check_entry(entry) -> VerifyResult:
    """Check one corpus pair (a `corpus.Entry` of kind pair or fix)."""
    return check_equivalence(entry.torch_code, entry.jax_code, entry.entry, entry.rtol, entry.atol)


def main(argv: list[str] | None = None) -> int:
    """`python -m t2j_rag.equivalence FILE.md ...`: check corpus pairs, print one line each."""
    from .corpus import parse_entry

    paths = argv if argv is not None else sys.argv[1:]
    failed = 0
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            e = parse_entry(fh.read(), p)
        if e.kind == "note":
            continue
        r = check_entry(e)
        failed += not r.passed
        err = f"max_abs={r.max_abs_err:.2g}" if r.max_abs_err is not None else ""
        print(f"{'PASS' if r.passed else 'FAIL'} {e.id} [{r.stage}] {err} {'' if r.passed else r.message}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
