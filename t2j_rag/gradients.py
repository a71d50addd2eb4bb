"""Compare gradients of a PyTorch program and its JAX translation (`verify --grad`).

Both sides differentiate the same scalar, sum(output_i * c_i) over the float
outputs with fixed random cotangents c_i, with respect to the float inputs and
(for modules) every parameter. PyTorch's parameter gradients are brought into
the JAX layout by running the same weight converter on a copy of the module
whose parameters hold the gradients, so a transposed kernel's gradient is
compared against the transposed gradient, path by path.

A random cotangent (not a plain sum) matters: the gradient of a plain sum is
blind to permutations of the output, which is exactly the NHWC/NCHW bug class.
"""

from __future__ import annotations

import copy

import numpy as np

from .compare import CheckFailed, MaxErrors, compare_outputs, short_traceback
from .weights import transfer_weights


def _float_leaves(obj, is_float) -> list:
    if isinstance(obj, dict):
        return [leaf for k in sorted(obj, key=str) for leaf in _float_leaves(obj[k], is_float)]
    if isinstance(obj, (list, tuple)):
        return [leaf for o in obj for leaf in _float_leaves(o, is_float)]
    return [obj] if is_float(obj) else []


def _torch_float(x) -> bool:
    import torch

    return isinstance(x, torch.Tensor) and x.dtype.is_floating_point


def _jax_float(x) -> bool:
    import jax.numpy as jnp

    return hasattr(x, "dtype") and hasattr(x, "shape") and jnp.issubdtype(x.dtype, jnp.floating)


def compare_gradients(t_call, j_call, t_inputs, j_inputs, t_outputs, jmod, is_module, rtol, atol, seed,
                      errs: MaxErrors) -> None:
    """Raise CheckFailed at the first gradient mismatch; `errs` collects the largest errors seen."""
    import jax
    import torch
    from flax import nnx

    t_leaves = _float_leaves(t_outputs, _torch_float)
    if not t_leaves or not any(leaf.requires_grad for leaf in t_leaves):
        raise CheckFailed("runtime", "--grad: the PyTorch output does not depend differentiably on inputs or parameters")
    rng = np.random.default_rng(seed + 7)
    cots = [rng.standard_normal(tuple(leaf.shape)).astype(np.float32) for leaf in t_leaves]

    if is_module:
        t_call.zero_grad(set_to_none=True)
    loss = sum((leaf * torch.from_numpy(c).to(leaf.dtype)).sum() for leaf, c in zip(t_leaves, cots))
    loss.backward()
    float_pos = [i for i, x in enumerate(t_inputs) if _torch_float(x)]
    t_input_grads = [t_inputs[i].grad if t_inputs[i].grad is not None else torch.zeros_like(t_inputs[i])
                     for i in float_pos]

    def objective(model, floats):
        args = list(j_inputs)
        for i, v in zip(float_pos, floats):
            args[i] = v
        out = (model if model is not None else j_call)(*args)
        leaves = _float_leaves(out, _jax_float)
        if len(leaves) != len(cots):
            raise ValueError(f"JAX returns {len(leaves)} float outputs, PyTorch {len(cots)}")
        return sum((leaf * c).sum() for leaf, c in zip(leaves, cots))

    floats = tuple(j_inputs[i] for i in float_pos)
    try:
        if is_module:
            j_param_grads, j_input_grads = nnx.grad(objective, argnums=(0, 1))(j_call, floats)
        else:
            j_param_grads, j_input_grads = None, jax.grad(lambda fl: objective(None, fl))(floats)
    except Exception as exc:  # noqa: BLE001
        raise CheckFailed("runtime", f"--grad: differentiating the JAX side failed:\n{short_traceback(exc)}") from None

    compare_outputs(list(t_input_grads), list(j_input_grads), rtol, atol, "grad.inputs", errs)
    if not is_module:
        return

    grad_module = copy.deepcopy(t_call)
    with torch.no_grad():
        for (_, p), (_, g) in zip(t_call.named_parameters(), grad_module.named_parameters()):
            g.copy_(p.grad if p.grad is not None else torch.zeros_like(p))
    expected_model = nnx.clone(j_call)
    for _, var in nnx.to_flat_state(nnx.state(expected_model, nnx.Param)):
        var.set_value(np.zeros_like(var.get_value()))  # a JAX-only parameter should get no gradient
    transfer_weights(jmod, grad_module, expected_model)
    expected = {path: var.get_value() for path, var in nnx.to_flat_state(nnx.state(expected_model, nnx.Param))}
    actual = {path: (var.get_value() if hasattr(var, "get_value") else var)
              for path, var in nnx.to_flat_state(j_param_grads)}
    for path, value in expected.items():
        name = "grad.params." + ".".join(str(p) for p in path)
        if path not in actual:
            raise CheckFailed("numeric", f"{name}: no gradient on the JAX side", name)
        compare_outputs(np.asarray(value), np.asarray(actual[path]), rtol, atol, name, errs)
