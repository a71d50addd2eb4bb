"""Move parameters and buffers from a PyTorch module into a Flax NNX module.

Matching is by attribute path: `self.fc1` in PyTorch meets `self.fc1` in NNX,
`nn.Sequential`/`nn.ModuleList` indices meet `nnx.Sequential`/`nnx.List`
indices. Each common layer type has a layout rule (Linear kernels are
transposed, conv kernels go from O,I,*k to *k,I,O ...); anything else falls back
to copying same-named parameters and buffers of the same shape.

Recurrent layers and attention follow one JAX-side convention each (see the
rules below): an `nn.LSTM`/`nn.GRU`/`nn.RNN` becomes an `nnx.List` of one
`nnx.RNN(cell)` (or `nnx.Bidirectional`) per layer, and `nn.MultiheadAttention`
becomes `nnx.MultiHeadAttention` with the packed q|k|v projection split into
per-head kernels.

The converter is strict on purpose: every PyTorch parameter must land somewhere
with the right shape, or conversion fails with the path that did not fit. A
translation that silently ignores its weights is then caught by the numbers.

Example::

    tm = torch.nn.Linear(3, 4); jm = nnx.Linear(3, 4, rngs=nnx.Rngs(0))
    convert_module(tm, jm)   # jm.kernel == tm.weight.T, jm.bias == tm.bias
"""

from __future__ import annotations

import contextvars
from typing import Any, Callable

import numpy as np

from .errors import ConversionError


class WeightError(ConversionError):
    """A PyTorch parameter has no counterpart of the right shape in the JAX module."""


def _np(t) -> np.ndarray:
    return t.detach().cpu().numpy()


# Variables assigned during the current convert_module call (None outside one).
_assigned: contextvars.ContextVar[set | None] = contextvars.ContextVar("t2j_assigned", default=None)


def set_variable(owner: Any, name: str, value: np.ndarray, path: str) -> None:
    """Assign `value` to `owner.<name>` (an nnx.Variable or a plain array), shape-checked."""
    import jax.numpy as jnp
    from flax import nnx

    if not hasattr(owner, name):
        raise WeightError(f"{path}: the JAX module has no attribute '{name}' ({type(owner).__name__})")
    target = getattr(owner, name)
    current = target.get_value() if isinstance(target, nnx.Variable) else target
    shape = getattr(current, "shape", None)
    if shape is None:
        raise WeightError(f"{path}: '{name}' on the JAX side is {type(current).__name__}, not an array")
    if tuple(shape) != tuple(value.shape):
        raise WeightError(f"{path}: shape {tuple(value.shape)} in PyTorch, {tuple(shape)} in JAX")
    new = jnp.asarray(value, dtype=current.dtype)
    if isinstance(target, nnx.Variable):
        target.set_value(new)
        done = _assigned.get()
        if done is not None:
            done.add(id(target))
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


def _fit_shape(owner, name: str, arr: np.ndarray) -> np.ndarray:
    """Reshape `arr` to the JAX variable's shape when only the nesting differs (multi-axis LayerNorm)."""
    from flax import nnx

    target = getattr(owner, name, None)
    current = target.get_value() if isinstance(target, nnx.Variable) else target
    shape = tuple(getattr(current, "shape", arr.shape))
    return arr.reshape(shape) if shape != arr.shape and int(np.prod(shape)) == arr.size else arr


def _affine_norm(tm, jm, path):
    # LayerNorm / GroupNorm / InstanceNorm(affine=True): weight -> scale, bias -> bias.
    if getattr(tm, "weight", None) is not None:
        set_variable(jm, "scale", _fit_shape(jm, "scale", _np(tm.weight)), path + ".weight")
    if getattr(tm, "bias", None) is not None:
        set_variable(jm, "bias", _fit_shape(jm, "bias", _np(tm.bias)), path + ".bias")


def _embedding(tm, jm, path):
    set_variable(jm, "embedding", _np(tm.weight), path + ".weight")


# --- recurrent layers -------------------------------------------------------------
#
# JAX-side convention for torch.nn.LSTM / GRU / RNN stored at `self.<name>`:
# `self.<name>` is an `nnx.List` with one entry per layer (a one-layer RNN may
# also be the entry itself). An entry is `nnx.RNN(cell)` or a bare cell for a
# unidirectional layer, and `nnx.Bidirectional(nnx.RNN(cell), nnx.RNN(cell))` for
# a bidirectional one. Cells: nnx.LSTMCell or nnx.OptimizedLSTMCell for LSTM,
# nnx.GRUCell for GRU, nnx.SimpleCell for RNN. Gate order needs no permutation:
# torch stacks i,f,g,o and r,z,n, which is what the flax cells split into.


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _set_bias(linear, value: np.ndarray, path: str) -> None:
    """Set `linear.bias`; a JAX layer without bias is fine only if the value is all zero."""
    if getattr(linear, "bias", None) is None:
        if np.any(value != 0):
            raise WeightError(f"{path}: PyTorch has a nonzero bias, the JAX layer has use_bias=False")
        return
    set_variable(linear, "bias", value, path)


def _rnn_layer_items(tm, jm, path):
    items = _sequence_items(jm)
    if items is None:
        items = [jm]  # a one-layer RNN may be stored without the list
    if len(items) != tm.num_layers:
        raise WeightError(f"{path or '<root>'}: {tm.num_layers} recurrent layers in PyTorch, {len(items)} in JAX "
                          "(expected an nnx.List with one nnx.RNN per layer)")
    return items


def _cells_of_layer(layer, bidirectional: bool, path: str) -> list:
    from flax import nnx

    if isinstance(layer, nnx.Bidirectional) != bidirectional:
        want = ("nnx.Bidirectional(nnx.RNN(cell), nnx.RNN(cell))" if bidirectional
                else "nnx.RNN(cell) or a cell")
        raise WeightError(f"{path}: PyTorch layer is {'bi' if bidirectional else 'uni'}directional, "
                          f"expected {want} in JAX, got {type(layer).__name__}")
    runs = [layer.forward_rnn, layer.backward_rnn] if bidirectional else [layer]
    cells = [r.cell if isinstance(r, nnx.RNN) else r for r in runs]
    for cell in cells:
        if not isinstance(cell, nnx.RNNCellBase):
            raise WeightError(f"{path}: expected an nnx recurrent cell, got {type(cell).__name__}")
    return cells


def _lstm_cell(cell, w_ih, w_hh, b_ih, b_hh, path, sfx):
    from flax import nnx

    hidden = w_hh.shape[1]
    bias = b_ih + b_hh  # the flax cells add input and hidden projections before one bias
    if isinstance(cell, nnx.LSTMCell):
        for k, gate in enumerate("ifgo"):
            rows = slice(k * hidden, (k + 1) * hidden)
            into = getattr(cell, "if_" if gate == "f" else "i" + gate)
            hid = getattr(cell, "h" + gate)
            set_variable(into, "kernel", w_ih[rows].T, _join(path, f"weight_ih{sfx}[gate {gate}]"))
            set_variable(hid, "kernel", w_hh[rows].T, _join(path, f"weight_hh{sfx}[gate {gate}]"))
            _set_bias(hid, bias[rows], _join(path, f"bias_hh{sfx}[gate {gate}]"))
    elif isinstance(cell, nnx.OptimizedLSTMCell):
        set_variable(cell.dense_i, "kernel", w_ih.T, _join(path, f"weight_ih{sfx}"))
        set_variable(cell.dense_h, "kernel", w_hh.T, _join(path, f"weight_hh{sfx}"))
        _set_bias(cell.dense_h, bias, _join(path, f"bias_hh{sfx}"))
    else:
        raise WeightError(f"{path or '<root>'}: torch.nn.LSTM needs nnx.LSTMCell or nnx.OptimizedLSTMCell, "
                          f"got {type(cell).__name__}")


def _gru_cell(cell, w_ih, w_hh, b_ih, b_hh, path, sfx):
    from flax import nnx

    if not isinstance(cell, nnx.GRUCell):
        raise WeightError(f"{path or '<root>'}: torch.nn.GRU needs nnx.GRUCell, got {type(cell).__name__}")
    hidden = w_hh.shape[1]
    set_variable(cell.dense_i, "kernel", w_ih.T, _join(path, f"weight_ih{sfx}"))
    set_variable(cell.dense_h, "kernel", w_hh.T, _join(path, f"weight_hh{sfx}"))
    if getattr(cell.dense_h, "bias", None) is not None:
        set_variable(cell.dense_i, "bias", b_ih, _join(path, f"bias_ih{sfx}"))
        set_variable(cell.dense_h, "bias", b_hh, _join(path, f"bias_hh{sfx}"))
        return
    # Stock GRUCell has no hidden bias. b_hr and b_hz are plain sums and fold into
    # dense_i; b_hn is multiplied by r, so it cannot move and must be zero.
    if np.any(b_hh[2 * hidden:] != 0):
        raise WeightError(_join(path, f"bias_hh{sfx}") + ": torch.nn.GRU computes r * (W_hn h + b_hn) and "
                          "nnx.GRUCell's dense_h has no bias; give the cell "
                          "dense_h = nnx.Linear(hidden, 3 * hidden, use_bias=True)")
    folded = b_ih + np.concatenate([b_hh[: 2 * hidden], np.zeros(hidden, b_hh.dtype)])
    _set_bias(cell.dense_i, folded, _join(path, f"bias_ih{sfx}"))


def _simple_cell(cell, w_ih, w_hh, b_ih, b_hh, path, sfx):
    from flax import nnx

    if not isinstance(cell, nnx.SimpleCell):
        raise WeightError(f"{path or '<root>'}: torch.nn.RNN needs nnx.SimpleCell, got {type(cell).__name__}")
    set_variable(cell.dense_i, "kernel", w_ih.T, _join(path, f"weight_ih{sfx}"))
    set_variable(cell.dense_h, "kernel", w_hh.T, _join(path, f"weight_hh{sfx}"))
    _set_bias(cell.dense_i, b_ih + b_hh, _join(path, f"bias_ih{sfx}"))


def _recurrent(tm, jm, path):
    import torch.nn as tnn

    if getattr(tm, "proj_size", 0):
        raise WeightError(f"{path or '<root>'}: LSTM proj_size > 0 has no nnx.LSTMCell counterpart")
    set_cell = _lstm_cell if isinstance(tm, tnn.LSTM) else _gru_cell if isinstance(tm, tnn.GRU) else _simple_cell
    suffixes = ["", "_reverse"] if tm.bidirectional else [""]
    for layer_idx, layer in enumerate(_rnn_layer_items(tm, jm, path)):
        cells = _cells_of_layer(layer, tm.bidirectional, f"{path or '<root>'}[{layer_idx}]")
        for cell, direction in zip(cells, suffixes):
            _fill_cell(set_cell, tm, cell, path, f"_l{layer_idx}{direction}")


def _fill_cell(set_cell, tm, cell, path, sfx):
    w_ih = _np(getattr(tm, f"weight_ih{sfx}"))
    w_hh = _np(getattr(tm, f"weight_hh{sfx}"))
    if tm.bias:
        b_ih, b_hh = _np(getattr(tm, f"bias_ih{sfx}")), _np(getattr(tm, f"bias_hh{sfx}"))
    else:
        b_ih = b_hh = np.zeros(w_hh.shape[0], w_hh.dtype)
    set_cell(cell, w_ih, w_hh, b_ih, b_hh, path, sfx)


def _recurrent_cell(tm, jm, path):
    """torch.nn.LSTMCell / GRUCell / RNNCell -> the matching nnx cell (or nnx.RNN around it)."""
    import torch.nn as tnn
    from flax import nnx

    set_cell = (_lstm_cell if isinstance(tm, tnn.LSTMCell)
                else _gru_cell if isinstance(tm, tnn.GRUCell) else _simple_cell)
    _fill_cell(set_cell, tm, jm.cell if isinstance(jm, nnx.RNN) else jm, path, "")


# --- attention --------------------------------------------------------------------


def _multihead_attention(tm, jm, path):
    """torch in_proj (3E, E) rows q|k|v -> query/key/value kernels (in, heads, head_dim);
    out_proj (E, E) -> out kernel (heads, head_dim, E)."""
    from flax import nnx

    p = path or "<root>"
    if not isinstance(jm, nnx.MultiHeadAttention):
        raise WeightError(f"{p}: torch.nn.MultiheadAttention needs nnx.MultiHeadAttention, got {type(jm).__name__}")
    if tm.bias_k is not None:
        raise WeightError(f"{p}: add_bias_kv=True has no nnx.MultiHeadAttention counterpart")
    heads, head_dim, embed = tm.num_heads, tm.head_dim, tm.embed_dim
    if tm._qkv_same_embed_dim:
        w_q, w_k, w_v = np.split(_np(tm.in_proj_weight), 3, axis=0)
        names = ["in_proj_weight[q]", "in_proj_weight[k]", "in_proj_weight[v]"]
    else:
        w_q, w_k, w_v = _np(tm.q_proj_weight), _np(tm.k_proj_weight), _np(tm.v_proj_weight)
        names = ["q_proj_weight", "k_proj_weight", "v_proj_weight"]
    if tm.in_proj_bias is not None:
        biases = np.split(_np(tm.in_proj_bias), 3)
    else:
        biases = [np.zeros(embed, w_q.dtype)] * 3
    for target, w, b, name, which in zip((jm.query, jm.key, jm.value), (w_q, w_k, w_v), biases, names, "qkv"):
        set_variable(target, "kernel", w.T.reshape(w.shape[1], heads, head_dim), _join(path, name))
        _set_bias(target, b.reshape(heads, head_dim), _join(path, f"in_proj_bias[{which}]"))
    w_o = _np(tm.out_proj.weight)
    set_variable(jm.out, "kernel", w_o.T.reshape(heads, head_dim, w_o.shape[0]), _join(path, "out_proj.weight"))
    b_o = _np(tm.out_proj.bias) if tm.out_proj.bias is not None else np.zeros(w_o.shape[0], w_o.dtype)
    _set_bias(jm.out, b_o, _join(path, "out_proj.bias"))


def _layer_rules() -> list[tuple[type, Callable]]:
    import torch.nn as tnn

    return [
        (tnn.Linear, _linear),
        ((tnn.Conv1d, tnn.Conv2d, tnn.Conv3d), _conv),
        ((tnn.ConvTranspose1d, tnn.ConvTranspose2d, tnn.ConvTranspose3d), _conv_transpose),
        ((tnn.BatchNorm1d, tnn.BatchNorm2d, tnn.BatchNorm3d), _batchnorm),
        ((tnn.LayerNorm, tnn.GroupNorm, tnn.InstanceNorm1d, tnn.InstanceNorm2d, tnn.InstanceNorm3d), _affine_norm),
        (tnn.Embedding, _embedding),
        (tnn.RMSNorm, _affine_norm),
        ((tnn.LSTM, tnn.GRU, tnn.RNN), _recurrent),
        ((tnn.LSTMCell, tnn.GRUCell, tnn.RNNCell), _recurrent_cell),
        (tnn.MultiheadAttention, _multihead_attention),
    ]


# --- walking the two trees --------------------------------------------------------


def _has_params(tm) -> bool:
    return any(True for _ in tm.parameters()) or any(b is not None for b in tm.buffers())


def _sequence_items(jm):
    """The elements of an NNX container (nnx.Sequential, nnx.List, list, tuple), or None."""
    from flax import nnx

    if isinstance(jm, nnx.Sequential):
        return list(jm.layers)
    if isinstance(jm, (list, tuple, nnx.List)):
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
    """Copy every parameter and buffer of `torch_module` into `nnx_module` in place.

    Strict both ways: every PyTorch parameter needs a JAX counterpart, and every
    JAX parameter must receive a value (a bias PyTorch does not have would
    otherwise stay at its zero init and hide a use_bias mismatch).
    """
    from flax import nnx

    token = _assigned.set(set())
    try:
        _transfer(torch_module, nnx_module, "", _layer_rules())
        done = _assigned.get()
    finally:
        _assigned.reset(token)
    for path, node in nnx.iter_graph(nnx_module):
        if isinstance(node, nnx.Param) and id(node) not in done:
            name = ".".join(str(p) for p in path)
            raise WeightError(f"{name}: JAX parameter receives no PyTorch weights (a layer or bias PyTorch does not have?)")


def torch_state_dict_numpy(torch_module) -> dict[str, np.ndarray]:
    """The state dict as NumPy arrays (what a user `convert_weights` hook receives)."""
    return {k: _np(v) for k, v in torch_module.state_dict().items()}


def transfer_weights(translation, torch_module, nnx_module) -> None:
    """Fill `nnx_module` from `torch_module`, the way the translation asks for.

    A translated file may define its own `convert_weights(state_dict, module)`
    (state_dict as NumPy arrays) for layouts the converter does not know; then
    that hook does the work, else `convert_module` does. The verifier, the
    gradient check and `t2j-rag convert-weights` all go through here, so a hook
    is honoured everywhere or nowhere.
    """
    hook = getattr(translation, "convert_weights", None)
    if callable(hook):
        hook(torch_state_dict_numpy(torch_module), nnx_module)
    else:
        convert_module(torch_module, nnx_module)


# --- checkpoints written by `t2j-rag convert-weights` ----------------------------


def load_converted(path, module) -> None:
    """Load a state written by `t2j-rag convert-weights` into a freshly constructed NNX module."""
    from flax import nnx, serialization

    with open(path, "rb") as fh:
        restored = serialization.msgpack_restore(fh.read())
    state = nnx.state(module)
    state.replace_by_pure_dict(restored)
    nnx.update(module, state)
