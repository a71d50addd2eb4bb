"""Runtime helpers for checkpoints in translated programs: state dicts and one-file msgpack save/load.

`t2j_state_dict(model)` / `t2j_state_dict(optimizer)` give the object's NNX state without RNG state as a
nested pure dict of arrays (`{"fc": {"kernel": ..., "bias": ...}, "layers": {0: {...}}}`);
`t2j_save_checkpoint(obj, path)` writes such dicts (and numbers, strings, lists, nested dicts) to
one file with flax.serialization's msgpack, atomically; `t2j_load_checkpoint(path)` reads it back;
`t2j_load_state_dict(obj, d)` copies a state dict into a module or nnx.Optimizer, checking every
path and shape as torch's strict loading does.

The trade-off: one file like torch.save (no checkpoint directory, no async writes, no sharding,
which orbax would bring), holding only data: a whole module cannot be saved, only its state.
Keys are nested, not torch's dotted "fc.weight" strings, and the values are snapshots: unlike
torch's state_dict, later training does not change a state dict taken earlier. Tuples come
back as lists; integer keys (nnx.List / Sequential positions) stay integers.
"""

from __future__ import annotations

import collections
import os

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx, serialization

T2jIncompatibleKeys = collections.namedtuple("T2jIncompatibleKeys", ["missing_keys", "unexpected_keys"])


def t2j_state_dict(obj):
    """model.state_dict() / optimizer.state_dict(): the NNX state without RNG keys and counts, as a
    nested pure dict. For nnx.Linear(2, 3): {"kernel": Array (2, 3), "bias": Array (3,)}."""
    return nnx.to_pure_dict(nnx.state(obj, nnx.Not(nnx.RngState)))


def t2j_save_checkpoint(obj, path):
    """torch.save(obj, path) for data: nested dicts and lists of arrays, numbers, strings and None,
    written with msgpack to `path` (a path or a binary file object); a path is replaced atomically."""

    def plain(value, where):
        if isinstance(value, nnx.State):
            value = nnx.to_pure_dict(value)
        if isinstance(value, dict):
            return {key: plain(item, f"{where}[{key!r}]") for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if isinstance(value, jax.Array):
            if jnp.issubdtype(value.dtype, jax.dtypes.prng_key):
                raise TypeError(f"save_checkpoint: {where} is a PRNG key; save jax.random.key_data(key)")
            return np.asarray(value)
        if value is None or isinstance(value, (bool, int, float, complex, str, bytes, np.ndarray, np.generic)):
            return value
        raise TypeError(f"save_checkpoint: cannot store a {type(value).__name__} at {where}; "
                        "save its state dict (t2j_state_dict(...)) instead")

    data = serialization.msgpack_serialize(plain(obj, "obj"), in_place=True)
    if hasattr(path, "write"):
        path.write(data)
        return
    path = os.fspath(path)
    partial = f"{path}.tmp{os.getpid()}"
    with open(partial, "wb") as f:
        f.write(data)
    os.replace(partial, path)


def t2j_load_checkpoint(path):
    """torch.load(path): what t2j_save_checkpoint wrote, with arrays as NumPy arrays."""
    if hasattr(path, "read"):
        return serialization.msgpack_restore(path.read())
    with open(path, "rb") as f:
        return serialization.msgpack_restore(f.read())


def t2j_load_state_dict(obj, state, strict=True):
    """model.load_state_dict(state) / optimizer.load_state_dict(state): copy a state dict into obj.

    Every leaf is cast to the dtype of the variable it replaces. A shape mismatch is an error; with
    strict=True so is a path missing from `state` or a path obj does not have, and the message
    names it ("missing 'layers.1.kernel'"). Keys match as written or as strings ("0" for 0).
    Returns T2jIncompatibleKeys(missing_keys, unexpected_keys) with dotted paths, like torch.
    """

    def flatten(tree, prefix=()):
        if isinstance(tree, (dict, nnx.State)):
            for key, value in tree.items():
                yield from flatten(value, prefix + (str(key),))
        else:
            yield prefix, tree

    given = dict(flatten(state))
    variables = nnx.to_flat_state(nnx.state(obj, nnx.Not(nnx.RngState)))
    targets = {tuple(str(k) for k in path): var for path, var in variables}
    missing = [".".join(path) for path in targets if path not in given]
    unexpected = [".".join(path) for path in given if path not in targets]
    if strict and (missing or unexpected):
        parts = [f"missing {', '.join(repr(p) for p in missing)}" if missing else "",
                 f"unexpected {', '.join(repr(p) for p in unexpected)}" if unexpected else ""]
        raise KeyError(f"load_state_dict into {type(obj).__name__}: " + "; ".join(p for p in parts if p))
    for path, var in targets.items():
        if path not in given:
            continue
        current, value = var.get_value(), given[path]
        if np.shape(value) != np.shape(current):
            raise ValueError(f"load_state_dict: size mismatch for '{'.'.join(path)}': checkpoint "
                             f"{tuple(np.shape(value))}, {type(obj).__name__} {tuple(np.shape(current))}")
        if isinstance(current, (jax.Array, np.ndarray)):
            value = jnp.asarray(value, dtype=current.dtype)
        var.set_value(value)
    return T2jIncompatibleKeys(missing, unexpected)
