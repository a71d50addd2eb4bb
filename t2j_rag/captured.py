"""Captured values: a size-limited on-disk store of arrays, and the frozen form of what a program passed.

A program check copies the arguments, inputs and results it sees while the
original runs ("freezing" them) so that later mutation by the program cannot
change them, and so the JAX side can be fed the same values ("thawing"). Arrays go
to files in the sandbox's temporary directory, never into the user's tree, under a
byte budget (`--capture-mb`): an array that does not fit keeps only its shape,
dtype and range, and is later drawn at random instead (said so in the report). The
trade-off: a disk round trip per array, in exchange for a captured run whose memory
does not grow with what it captured.

Frozen values are plain Python: numbers, strings, None, lists, tuples, dicts,
`ArrayRef` for arrays and `ConfigRef` for config objects (dataclass, namedtuple,
SimpleNamespace, argparse.Namespace) kept as class name + fields. Anything else
(a module, a data loader, an optimizer...) raises `Unsupported`, whose `kind`
names it for the report ("takes a module").

Example::

    store = CaptureStore("/tmp/job/capture", limit_mb=256)
    frozen = freeze((torch.ones(2, 3), {"scale": 0.5}), store)
    describe(frozen)                    # "(float32[2, 3], {'scale': 0.5})"
    thaw(frozen, store, "jax")          # (Array of ones, {"scale": 0.5})
"""

from __future__ import annotations

import dataclasses
import os
import types
from dataclasses import dataclass

import numpy as np

MAX_DEPTH = 12
MAX_ITEMS = 10_000


class Unsupported(Exception):
    """A value that cannot be copied for a standalone check; `kind` names what it is."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class ArrayRef:
    """An array in the store (`key`), or only its description when it did not fit (`key` None)."""

    key: int | None
    shape: tuple
    dtype: str  # a NumPy dtype name, or "bfloat16"
    low: float | None = None
    high: float | None = None
    seed: int = 0

    @property
    def drawn(self) -> bool:
        return self.key is None


@dataclass(frozen=True)
class ConfigRef:
    kind: str  # "dataclass" | "namedtuple" | "namespace"
    cls_name: str
    fields: dict


class CaptureStore:
    """Arrays saved as .npy files under `root`, at most `limit_mb` megabytes in all."""

    def __init__(self, root: str, limit_mb: float):
        os.makedirs(root, exist_ok=True)
        self.root = root
        self.limit = int(limit_mb * 2**20)
        self.used = 0
        self.count = 0
        self.too_big: list[str] = []  # descriptions of arrays kept as shapes only

    def put(self, array: np.ndarray, what: str = "", dtype_name: str | None = None) -> ArrayRef:
        self.count += 1
        array = np.asarray(array)
        low = high = None
        if array.size and (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
            low, high = float(array.min()), float(array.max())
        name = dtype_name or array.dtype.name
        if self.used + array.nbytes > self.limit:
            self.too_big.append(f"{what or 'array'} {name}{list(array.shape)} ({array.nbytes / 2**20:.1f} MB)")
            return ArrayRef(None, tuple(array.shape), name, low, high, seed=self.count)
        np.save(os.path.join(self.root, f"{self.count}.npy"), array, allow_pickle=False)
        self.used += array.nbytes
        return ArrayRef(self.count, tuple(array.shape), name, low, high, seed=self.count)

    def fits(self, nbytes: int) -> bool:
        return self.used + nbytes <= self.limit

    def get(self, ref: ArrayRef) -> np.ndarray:
        """The stored values, or seeded random values of the same shape, dtype and range when not stored."""
        if ref.key is not None:
            return np.load(os.path.join(self.root, f"{ref.key}.npy"), allow_pickle=False)
        rng = np.random.default_rng(ref.seed)
        dtype = np.float32 if ref.dtype == "bfloat16" else np.dtype(ref.dtype)
        if dtype == np.bool_:
            return rng.random(ref.shape) < 0.5
        if np.issubdtype(dtype, np.integer):
            low, high = int(ref.low or 0), int(ref.high or 0)
            return rng.integers(low, high + 1, ref.shape).astype(dtype)
        return rng.standard_normal(ref.shape).astype(dtype)


def kind_of(obj) -> str:
    """A short name for what `obj` is, for messages: "module", "optimizer", "data loader", or its type."""
    try:
        import torch
    except ImportError:  # pragma: no cover - the worker always has torch
        torch = None
    if torch is not None:
        if isinstance(obj, torch.nn.Module):
            return "module"
        if isinstance(obj, torch.optim.Optimizer):
            return "optimizer"
        if isinstance(obj, torch.utils.data.DataLoader):
            return "data loader"
        if isinstance(obj, torch.utils.data.Dataset):
            return "dataset"
    if isinstance(obj, types.GeneratorType):
        return "generator"
    if isinstance(obj, type):
        return "class"
    if callable(obj):
        return "function"
    return type(obj).__name__


def to_numpy(obj):
    """(NumPy copy, dtype name) of a torch tensor or NumPy array; None for anything else.

    bfloat16 tensors are kept as float32 values with the dtype name "bfloat16".
    """
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            raise Unsupported("object array")
        return obj.copy(), obj.dtype.name
    if type(obj).__module__.startswith("torch") and hasattr(obj, "detach") and hasattr(obj, "dtype"):
        import torch

        t = obj.detach().cpu()
        if t.dtype == torch.bfloat16:
            return t.float().numpy().copy(), "bfloat16"
        try:
            a = t.numpy().copy()
        except (TypeError, RuntimeError):
            raise Unsupported(f"tensor of dtype {t.dtype}") from None
        return a, a.dtype.name
    return None


def summarize(obj, limit: int = 200) -> str:
    """Shapes of a live value without copying it: "(float32[8, 4], int64[8])"."""
    def walk(v, depth=0) -> str:
        if depth > 4:
            return "..."
        if hasattr(v, "shape") and hasattr(v, "dtype") and not isinstance(v, type):
            return f"{str(v.dtype).replace('torch.', '')}{list(v.shape)}"
        if isinstance(v, (list, tuple)):
            inner = ", ".join(walk(x, depth + 1) for x in list(v)[:8]) + (", ..." if len(v) > 8 else "")
            return (f"({inner}" + ("," if len(v) == 1 else "") + ")") if isinstance(v, tuple) else f"[{inner}]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k!r}: {walk(x, depth + 1)}" for k, x in list(v.items())[:8]) + "}"
        if v is None or isinstance(v, (bool, int, float, str)):
            return repr(v)[:40]
        return type(v).__name__

    text = walk(obj)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def freeze(obj, store: CaptureStore, what: str = "", depth: int = 0):
    """A copy of `obj` made of plain values and refs; raises Unsupported for anything else."""
    if depth > MAX_DEPTH:
        raise Unsupported("deeply nested value")
    if obj is None or isinstance(obj, (bool, int, float, complex, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    arr = to_numpy(obj)
    if arr is not None:
        return store.put(arr[0], what, arr[1])
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return ConfigRef("namedtuple", type(obj).__name__,
                         {f: freeze(getattr(obj, f), store, f"{what}.{f}", depth + 1) for f in obj._fields})
    if isinstance(obj, (list, tuple)):
        if len(obj) > MAX_ITEMS:
            raise Unsupported(f"{type(obj).__name__} of {len(obj)} items")
        return type(obj)(freeze(o, store, f"{what}[{i}]", depth + 1) for i, o in enumerate(obj))
    if isinstance(obj, dict):
        if len(obj) > MAX_ITEMS or not all(isinstance(k, (str, int, float, bool, type(None))) for k in obj):
            raise Unsupported("dict with non-plain keys" if len(obj) <= MAX_ITEMS else "huge dict")
        return {k: freeze(v, store, f"{what}[{k!r}]", depth + 1) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return ConfigRef("dataclass", type(obj).__name__,
                         {f.name: freeze(getattr(obj, f.name), store, f"{what}.{f.name}", depth + 1)
                          for f in dataclasses.fields(obj)})
    if isinstance(obj, types.SimpleNamespace) or type(obj).__name__ == "Namespace" and hasattr(obj, "__dict__"):
        return ConfigRef("namespace", type(obj).__name__,
                         {k: freeze(v, store, f"{what}.{k}", depth + 1) for k, v in vars(obj).items()})
    raise Unsupported(kind_of(obj))


def thaw(frozen, store: CaptureStore, to: str, namespace: dict | None = None):
    """Rebuild a frozen value for one side: `to` is "torch", "jax" or "numpy".

    Config objects are rebuilt with the class of the same name from `namespace`
    (the program's globals) when it has one, else as a SimpleNamespace.
    """
    if isinstance(frozen, ArrayRef):
        a = store.get(frozen)
        if to == "numpy":
            return a
        if to == "torch":
            import torch

            t = torch.from_numpy(np.array(a))
            return t.to(torch.bfloat16) if frozen.dtype == "bfloat16" else t
        import jax.numpy as jnp

        # no explicit dtype: int64/float64 become JAX's default widths without a warning (as the program's own would)
        return jnp.asarray(a, dtype=jnp.bfloat16) if frozen.dtype == "bfloat16" else jnp.asarray(a)
    if isinstance(frozen, ConfigRef):
        fields = {k: thaw(v, store, to, namespace) for k, v in frozen.fields.items()}
        cls = (namespace or {}).get(frozen.cls_name)
        if frozen.kind == "namespace" and frozen.cls_name == "Namespace":
            import argparse

            return argparse.Namespace(**fields)
        if isinstance(cls, type):
            try:
                return cls(**fields)
            except Exception:  # noqa: BLE001 - a translation may define the config differently
                pass
        return types.SimpleNamespace(**fields)
    if isinstance(frozen, list):
        return [thaw(v, store, to, namespace) for v in frozen]
    if isinstance(frozen, tuple):
        return tuple(thaw(v, store, to, namespace) for v in frozen)
    if isinstance(frozen, dict):
        return {k: thaw(v, store, to, namespace) for k, v in frozen.items()}
    return frozen


def describe(frozen, limit: int = 200) -> str:
    """A short human description: arrays as dtype[shape], configs as Name(field=...)."""
    text = _describe(frozen)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(v) -> str:
    if isinstance(v, ArrayRef):
        return f"{v.dtype}{list(v.shape)}" + (" (drawn)" if v.drawn else "")
    if isinstance(v, ConfigRef):
        return f"{v.cls_name}(" + ", ".join(f"{k}={_describe(x)}" for k, x in v.fields.items()) + ")"
    if isinstance(v, tuple):
        return "(" + ", ".join(_describe(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + ", ".join(_describe(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(x)}" for k, x in v.items()) + "}"
    return repr(v)


def drawn_refs(frozen, path: str = "") -> list[str]:
    """Paths of the arrays in `frozen` whose values were not stored (drawn at check time)."""
    if isinstance(frozen, ArrayRef):
        return [f"{path or 'value'} {frozen.dtype}{list(frozen.shape)}"] if frozen.drawn else []
    if isinstance(frozen, ConfigRef):
        return [p for k, v in frozen.fields.items() for p in drawn_refs(v, f"{path}.{k}")]
    if isinstance(frozen, (list, tuple)):
        return [p for i, v in enumerate(frozen) for p in drawn_refs(v, f"{path}[{i}]")]
    if isinstance(frozen, dict):
        return [p for k, v in frozen.items() for p in drawn_refs(v, f"{path}[{k!r}]")]
    return []


def has_arrays(frozen) -> bool:
    if isinstance(frozen, ArrayRef):
        return True
    if isinstance(frozen, ConfigRef):
        return any(has_arrays(v) for v in frozen.fields.values())
    if isinstance(frozen, (list, tuple)):
        return any(has_arrays(v) for v in frozen)
    if isinstance(frozen, dict):
        return any(has_arrays(v) for v in frozen.values())
    return False
