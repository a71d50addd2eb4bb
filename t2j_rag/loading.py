"""Load the two programs under comparison and build what they run on.

`load_source` executes a source text as a fresh module, `make_inputs` and
`inputs_from_spec` build seeded inputs, `construct_jax` instantiates an NNX
class, and `to_jax` / `clone_torch` hand the same inputs to each side. The
verifier (`equivalence`), the weight converter's sandbox job (`convert`) and
the evaluation's timing and shrinking jobs all start this way. Failures of the
loaded code become `compare.CheckFailed` verdicts with a stage, never raw
exceptions.

The trade-off: a loaded module is registered in `sys.modules` under a unique
`_t2j_...` name (dataclasses and pickling need that), so callers that load many
programs in one process must drop those entries afterwards, as
`equivalence.check_equivalence` does.

Example::

    tmod = load_source(torch_code, "torch")
    inputs, init = make_inputs(tmod, seed=0)      # get_inputs(), get_init_inputs()
"""

from __future__ import annotations

import inspect
import itertools
import sys
import types

import numpy as np

from .compare import CheckFailed, user_failure

_counter = itertools.count()


def load_source(code: str, label: str) -> types.ModuleType:
    """Execute `code` as a fresh module (registered in sys.modules so dataclasses work)."""
    try:
        compiled = compile(code, f"<{label}>", "exec")
    except SyntaxError as exc:
        raise CheckFailed("parse", f"{label}: SyntaxError: {exc.msg} (line {exc.lineno})") from None
    name = f"_t2j_{label}_{next(_counter)}"
    module = types.ModuleType(name)
    module.__file__ = f"<{label}>"
    sys.modules[name] = module
    try:
        exec(compiled, module.__dict__)
    except Exception as exc:  # noqa: BLE001 - any failure of user code is a verdict
        raise user_failure("import", f"{label} failed at import", exc) from None
    return module


# --- inputs -----------------------------------------------------------------------


def make_inputs(torch_module: types.ModuleType, seed: int = 0) -> tuple[list, list]:
    """Call get_inputs()/get_init_inputs() under a fixed seed."""
    import torch

    torch.manual_seed(seed)
    np.random.seed(seed)
    if not hasattr(torch_module, "get_inputs"):
        raise CheckFailed("construct", "the PyTorch side defines no get_inputs()")
    try:
        inputs = list(torch_module.get_inputs())
        init = list(torch_module.get_init_inputs()) if hasattr(torch_module, "get_init_inputs") else []
    except Exception as exc:  # noqa: BLE001
        raise user_failure("construct", "get_inputs()/get_init_inputs() failed", exc) from None
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
            raise CheckFailed("construct", f"input {i}: unknown dtype {dtype_name!r} (one of {', '.join(_DTYPES)})")
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
    """A copy of every torch tensor in `obj`, recursively, so in-place ops of one run cannot reach the next."""
    import torch

    if isinstance(obj, torch.Tensor):
        return obj.clone()
    if isinstance(obj, (list, tuple)):
        return type(obj)(clone_torch(o) for o in obj)
    if isinstance(obj, dict):
        return {k: clone_torch(v) for k, v in obj.items()}
    return obj


# --- the JAX side -----------------------------------------------------------------


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
