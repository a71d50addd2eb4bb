"""Compare what a PyTorch program and its translation returned, and the verdict when they differ.

This is the leaf every part of the verifier shares (`equivalence` for outputs,
`gradients` for gradients, `loading` for failures while building the two
programs): a `CheckFailed` exception that carries the stage a check stopped at,
and `compare_outputs`, which walks nested outputs and raises it at the first
mismatch. Only NumPy is imported at module level; torch is imported when a
value has to be converted, so the module loads anywhere.

The trade-off: stopping at the first mismatch gives one precise message (the
path, the shape or the worst error), not a list of every difference.

Example::

    errs = compare_outputs([torch.ones(2)], [jnp.ones(2)], rtol=1e-4, atol=1e-5)
    errs.max_abs                                   # 0.0
    compare_outputs(torch.ones(2), jnp.zeros(3), 1e-4, 1e-5)
    # CheckFailed: out: shape (2,) in PyTorch, (3,) in JAX   (stage "shape", path "out")
"""

from __future__ import annotations

import traceback

import numpy as np


class CheckFailed(Exception):
    """A comparison stopped at `stage` ("parse", "construct", "numeric" ...), at output `path` when known."""

    def __init__(self, stage: str, message: str, path: str | None = None):
        super().__init__(message)
        self.stage, self.message, self.path = stage, message, path


def short_traceback(exc: BaseException, limit: int = 6) -> str:
    """The last `limit` lines of `exc`'s traceback: enough to see what failed where."""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    text = "".join(lines).strip().splitlines()
    return "\n".join(text[-limit:])


def user_failure(stage: str, what: str, exc: BaseException) -> CheckFailed:
    """A CheckFailed for an exception raised by compared code; memory exhaustion gets its own stage."""
    text = short_traceback(exc)
    if isinstance(exc, MemoryError) or "RESOURCE_EXHAUSTED" in text or "bad_alloc" in text:
        stage = "memory"
    return CheckFailed(stage, f"{what}:\n{text}")


def as_numpy(x):
    """torch tensors and array-likes -> np.ndarray; containers and plain values unchanged."""
    import torch

    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    if hasattr(x, "__array__") and not isinstance(x, np.ndarray):
        return np.asarray(x)
    return x


def value_kind(a: np.ndarray) -> str:
    """"bool", "int", "complex" or "float": the kinds that must agree between the two sides."""
    if a.dtype == np.bool_:
        return "bool"
    if np.issubdtype(a.dtype, np.integer):
        return "int"
    if np.issubdtype(a.dtype, np.complexfloating):
        return "complex"
    return "float"


class MaxErrors:
    """The largest absolute and relative errors seen so far over every compared output."""

    def __init__(self):
        self.max_abs = 0.0
        self.max_rel = 0.0


def compare_outputs(expected, actual, rtol: float, atol: float, path: str = "out",
                    errs: MaxErrors | None = None) -> MaxErrors:
    """Raise CheckFailed at the first mismatch; return the largest errors seen otherwise."""
    errs = errs or MaxErrors()
    expected, actual = as_numpy(expected), as_numpy(actual)
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(expected) != set(actual):
            raise CheckFailed("shape", f"{path}: PyTorch returns a dict with keys {sorted(expected)}, JAX returns "
                              f"{type(actual).__name__}" + (f" with keys {sorted(actual)}" if isinstance(actual, dict)
                                                            else ""), path)
        for k in expected:
            compare_outputs(expected[k], actual[k], rtol, atol, f"{path}[{k!r}]", errs)
        return errs
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            got = f"{type(actual).__name__} of length {len(actual)}" if isinstance(actual, (list, tuple)) else type(actual).__name__
            raise CheckFailed("shape", f"{path}: PyTorch returns a {type(expected).__name__} of length {len(expected)}, "
                              f"JAX a {got}", path)
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare_outputs(e, a, rtol, atol, f"{path}[{i}]", errs)
        return errs
    if expected is None or isinstance(expected, str):
        if type(expected) is not type(actual) or expected != actual:
            raise CheckFailed("numeric", f"{path}: PyTorch gives {expected!r}, JAX {actual!r}", path)
        return errs
    e = np.asarray(expected)
    try:
        a = np.asarray(actual)
    except Exception:  # noqa: BLE001
        raise CheckFailed("dtype", f"{path}: JAX returns {type(actual).__name__}, not an array", path) from None
    if a.dtype == object:
        raise CheckFailed("dtype", f"{path}: JAX returns {type(actual).__name__}, not an array", path)
    if e.shape != a.shape:
        raise CheckFailed("shape", f"{path}: shape {e.shape} in PyTorch, {a.shape} in JAX", path)
    ke, ka = value_kind(e), value_kind(a)
    if ke != ka and not (ke == "int" and ka == "float" and e.ndim == 0 and isinstance(expected, int)):
        raise CheckFailed("dtype", f"{path}: dtype {e.dtype} in PyTorch, {a.dtype} in JAX", path)
    if ke in ("bool", "int"):
        diff = e.astype(np.int64) != a.astype(np.int64)
        if diff.any():
            idx = tuple(int(i) for i in np.argwhere(diff)[0])
            raise CheckFailed("numeric", f"{path}: {int(diff.sum())} of {e.size} values differ; at {idx} PyTorch "
                              f"{e[idx]}, JAX {a[idx]}", path)
        return errs
    e64, a64 = e.astype(np.complex128 if ke == "complex" else np.float64), a.astype(np.complex128 if ke == "complex" else np.float64)
    nan_e, nan_a = np.isnan(e64), np.isnan(a64)
    if (nan_e != nan_a).any():
        raise CheckFailed("numeric", f"{path}: NaN in one output but not the other", path)
    finite = ~nan_e
    abs_err = np.abs(e64 - a64)[finite] if finite.any() else np.zeros(0)
    if abs_err.size:
        inf_mismatch = np.isinf(e64[finite]) | np.isinf(a64[finite])
        if inf_mismatch.any() and (e64[finite][inf_mismatch] != a64[finite][inf_mismatch]).any():
            raise CheckFailed("numeric", f"{path}: infinities differ", path)
        abs_err = np.where(inf_mismatch, 0.0, abs_err)
        rel = abs_err / np.maximum(np.abs(e64[finite]), 1e-12)
        errs.max_abs = max(errs.max_abs, float(abs_err.max()))
        errs.max_rel = max(errs.max_rel, float(np.where(abs_err > atol, rel, 0.0).max()))
        bad = abs_err > atol + rtol * np.abs(e64[finite])
        if bad.any():
            worst = float(abs_err.max())
            raise CheckFailed("numeric", f"{path}: {int(bad.sum())} of {e.size} values differ beyond rtol={rtol}, "
                              f"atol={atol}; max abs error {worst:.3g}", path)
    return errs
