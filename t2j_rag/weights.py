"""Move parameters and buffers from a PyTorch module into a Flax NNX module.

Matching is by attribute path: `self.fc1` in PyTorch meets `self.fc1` in NNX,
`nn.Sequential`/`nn.ModuleList` indices meet `nnx.Sequential`/`nnx.List`
indices. Each common layer type has a layout rule (Linear kernels are
transposed, conv kernels go from O,I,*k to *k,I,O ...); anything else falls back
to copying same-named parameters and buffers of the same shape.

The converter is strict on purpose: every PyTorch parameter must land somewhere
with the right shape, or conversion fails with the path that did not fit. A
translation that silently ignores its weights is then caught by the numbers.

Example::

    tm = torch.nn.Linear(3, 4); jm = nnx.Linear(3, 4, rngs=nnx.Rngs(0))
    convert_module(tm, jm)   # jm.kernel == tm.weight.T, jm.bias == tm.bias
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np


class WeightError(Exception):
    """A PyTorch parameter has no counterpart of the right shape in the JAX module."""


def _np(t) -> np.ndarray:
    return t.detach().cpu().numpy()


def set_variable(owner: Any, name: str, value: np.ndarray, path: str) -> None:
    """Assign `value` to `owner.<name>` (an nnx.Variable or a plain array), shape-checked."""
    import jax.numpy as jnp
    from flax import nnx

    if not hasattr(owner, name):
        raise WeightError(f"{path}: the JAX module has no attribute '{name}' ({type(owner).__name__})")
    target = getattr(owner, name)
    current = target.value if isinstance(target, nnx.Variable) else target
    shape = getattr(current, "shape", None)
    if shape is None:
        raise WeightError(f"{path}: '{name}' on the JAX side is {type(current).__name__}, not an array")
    if tuple(shape) != tuple(value.shape):
        raise WeightError(f"{path}: shape {tuple(value.shape)} in PyTorch, {tuple(shape)} in JAX")
    new = jnp.asarray(value, dtype=current.dtype)
    if isinstance(target, nnx.Variable):
        target.value = new
    else:
        setattr(owner, name, new)


# --- layer rules: (torch module, nnx module, path) -> None -----------------------


def _linear(tm, jm, path):
    set_variable(jm, "kernel", _np(tm.weight).T, path + ".weight")
    if tm.bias is not None:
        set_variable(jm, "bias", _np(tm.bias), path + ".bias")


def _conv(tm, jm, path):
    w = _np(tm.weight)  # (out, in/groups, *k)
    nd = w.ndim - 2
    set_variable(jm, "kernel", w.transpose(*range(2, 2 + nd), 1, 0), path + ".weight")
    if tm.bias is not None:
        set_variable(jm, "bias", _np(tm.bias), path + ".bias")


def _conv_transpose(tm, jm, path):
    # PyTorch stores (in, out/groups, *k) and computes the gradient of a
    # convolution; flax's ConvTranspose (transpose_kernel=False) wants (*k, in, out)
    # with the spatial axes flipped to give the same result.
    if tm.groups != 1:
        raise WeightError(f"{path}: grouped ConvTranspose has no flax.nnx.ConvTranspose counterpart")
    w = _np(tm.weight)
    nd = w.ndim - 2
    w = np.flip(w, axis=tuple(range(2, 2 + nd)))
    set_variable(jm, "kernel", np.ascontiguousarray(w.transpose(*range(2, 2 + nd), 0, 1)), path + ".weight")
    if tm.bias is not None:
        set_variable(jm, "bias", _np(tm.bias), path + ".bias")


def _batchnorm(tm, jm, path):
    if tm.affine:
        set_variable(jm, "scale", _np(tm.weight), path + ".weight")
        set_variable(jm, "bias", _np(tm.bias), path + ".bias")
    if tm.track_running_stats:
        set_variable(jm, "mean", _np(tm.running_mean), path + ".running_mean")
        set_variable(jm, "var", _np(tm.running_var), path + ".running_var")


def _affine_norm(tm, jm, path):
    # LayerNorm / GroupNorm / InstanceNorm(affine=True): weight -> scale, bias -> bias.
    w = getattr(tm, "weight", None)
    b = getattr(tm, "bias", None)
    if w is not None:
        target = getattr(jm, "scale", None)
        arr = _np(w)
        if target is not None and getattr(target, "value", target) is not None:
            shape = tuple(getattr(target, "value", target).shape)
            if shape != arr.shape and int(np.prod(shape)) == arr.size:
                arr = arr.reshape(shape)  # multi-axis LayerNorm stored flat or nested
        set_variable(jm, "scale", arr, path + ".weight")
    if b is not None:
        arr = _np(b)
        target = getattr(jm, "bias", None)
        if target is not None and getattr(target, "value", target) is not None:
            shape = tuple(getattr(target, "value", target).shape)
            if shape != arr.shape and int(np.prod(shape)) == arr.size:
                arr = arr.reshape(shape)
        set_variable(jm, "bias", arr, path + ".bias")


def _embedding(tm, jm, path):
    set_variable(jm, "embedding", _np(tm.weight), path + ".weight")


def _layer_rules() -> list[tuple[type, Callable]]:
    import torch.nn as tnn

    return [
        (tnn.Linear, _linear),
        ((tnn.Conv1d, tnn.Conv2d, tnn.Conv3d), _conv),
        ((tnn.ConvTranspose1d, tnn.ConvTranspose2d, tnn.ConvTranspose3d), _conv_transpose),
        ((tnn.BatchNorm1d, tnn.BatchNorm2d, tnn.BatchNorm3d), _batchnorm),
        ((tnn.LayerNorm, tnn.GroupNorm, tnn.InstanceNorm1d, tnn.InstanceNorm2d, tnn.InstanceNorm3d), _affine_norm),
        (tnn.Embedding, _embedding),
    ]


# --- walking the two trees --------------------------------------------------------


def _has_params(tm) -> bool:
    return any(True for _ in tm.parameters()) or any(b is not None for b in tm.buffers())


def _sequence_items(jm):
    """The elements of an NNX container (nnx.Sequential, nnx.List, list, tuple), or None."""
    from flax import nnx

    if isinstance(jm, nnx.Sequential):
        return list(jm.layers)
    if isinstance(jm, (list, tuple)) or type(jm).__name__ == "List":
        return list(jm)
    return None


def _jax_has_state(obj) -> bool:
    from flax import nnx

    if not isinstance(obj, nnx.Module):
        return False
    return len(nnx.state(obj, nnx.Variable)) > 0


def _transfer(tm, jm, path: str, rules) -> None:
    for types, rule in rules:
        if isinstance(tm, types):
            rule(tm, jm, path)
            return
    for name, p in tm.named_parameters(recurse=False):
        set_variable(jm, name, _np(p), f"{path}.{name}" if path else name)
    for name, b in tm.named_buffers(recurse=False):
        if b is None:
            continue
        if name not in tm._non_persistent_buffers_set or hasattr(jm, name):
            set_variable(jm, name, _np(b), f"{path}.{name}" if path else name)

    children = list(tm.named_children())
    items = _sequence_items(jm)
    if items is not None:
        if len(items) != len(children):
            # A translation may drop parameter-free layers (ReLU) from a list; then
            # align the stateful layers in order.
            children = [(n, c) for n, c in children if _has_params(c)]
            items = [it for it in items if _jax_has_state(it)]
            if len(items) != len(children):
                raise WeightError(
                    f"{path or '<root>'}: {len(children)} stateful layers in PyTorch, {len(items)} in JAX")
        for (name, child), item in zip(children, items):
            _transfer(child, item, f"{path}.{name}" if path else name, rules)
        return
    for name, child in children:
        sub = f"{path}.{name}" if path else name
        jchild = getattr(jm, name, None)
        if jchild is None:
            if _has_params(child):
                raise WeightError(f"{sub}: no attribute '{name}' on the JAX module to receive its weights")
            continue
        _transfer(child, jchild, sub, rules)


def convert_module(torch_module, nnx_module) -> None:
    """Copy every parameter and buffer of `torch_module` into `nnx_module` in place."""
    _transfer(torch_module, nnx_module, "", _layer_rules())


def torch_state_dict_numpy(torch_module) -> dict[str, np.ndarray]:
    """The state dict as NumPy arrays (what a user `convert_weights` hook receives)."""
    return {k: _np(v) for k, v in torch_module.state_dict().items()}
