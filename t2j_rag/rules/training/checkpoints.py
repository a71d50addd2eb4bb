"""Engine-side mapping of torch checkpoint calls to the helpers of `checkpoint_helpers.py` (design decision 6).

`translate_checkpoint_call(api, args, keywords)` returns a `Mapped` expression:

    model.state_dict()                      -> t2j_state_dict(model)
    optimizer.state_dict()                  -> t2j_state_dict(optimizer)
    torch.save(obj, path)                   -> t2j_save_checkpoint(obj, path)
    torch.load(path, map_location=device, weights_only=True)
                                            -> t2j_load_checkpoint(path)
    model.load_state_dict(d)                -> t2j_load_state_dict(model, d)
    model.load_state_dict(d, strict=False)  -> t2j_load_state_dict(model, d, strict=False)
    optimizer.load_state_dict(d)            -> t2j_load_state_dict(optimizer, d)

For methods the receiver comes first in `args` (the API names are "torch.nn.Module.state_dict",
"torch.optim.Optimizer.load_state_dict"...; the engine picks them from the receiver's kind).
Device placement (map_location), the pickle safety switch (weights_only), mmap, pickle protocol
and zip-format knobs vanish: the file holds only arrays, numbers and strings. A custom
pickle_module, and state_dict's prefix= / destination=, are reported as untranslated.

The helpers carry the engine's `t2j_` prefix although plain names would read better: training
scripts very often define their own `save_checkpoint` / `load_checkpoint` functions and bind
`state_dict = model.state_dict()`; an unprefixed helper would be shadowed by them (or, inside a
function, turn that line into an UnboundLocalError).

The trade-off: torch.save of a whole module cannot be translated faithfully (the file would
have to hold code); t2j_save_checkpoint raises a TypeError at run time naming what to save instead,
rather than the engine guessing from the argument's syntax.
"""

from __future__ import annotations

import ast

from ..registry import Unsupported
from .mapping import Mapped, Signature, bind, call, is_literal

SIGNATURES: dict[str, Signature] = {
    "torch.save": Signature(("obj", "f", "pickle_module", "pickle_protocol", "_use_new_zipfile_serialization",
                             "_disable_byteorder_record"),
                            dropped=frozenset({"pickle_protocol", "_use_new_zipfile_serialization",
                                               "_disable_byteorder_record"})),
    "torch.load": Signature(("f", "map_location", "pickle_module"), ("weights_only", "mmap"),
                            dropped=frozenset({"map_location", "weights_only", "mmap"})),
    "torch.nn.Module.state_dict": Signature(("self",), ("destination", "prefix", "keep_vars"),
                                            dropped=frozenset({"keep_vars"})),
    "torch.nn.Module.load_state_dict": Signature(("self", "state_dict", "strict", "assign"),
                                                 dropped=frozenset({"assign"})),
    "torch.optim.Optimizer.state_dict": Signature(("self",)),
    "torch.optim.Optimizer.load_state_dict": Signature(("self", "state_dict")),
}

_ALIASES = {"torch.serialization.save": "torch.save", "torch.serialization.load": "torch.load"}

CHECKPOINT_APIS = frozenset(SIGNATURES) | frozenset(_ALIASES)


def translate_checkpoint_call(api: str, args: list[ast.expr], keywords: list[ast.keyword]) -> Mapped:
    """The JAX form of one checkpoint call (see the module docstring), or Unsupported."""
    api = _ALIASES.get(api, api)
    if api not in SIGNATURES:
        raise Unsupported(api, "no mapping for this checkpoint API")
    b = bind(api, SIGNATURES[api], args, keywords)
    if "pickle_module" in b and not is_literal(b["pickle_module"], None):
        raise Unsupported(api, "a custom pickle_module; the checkpoint is msgpack, not pickle")
    for option in ("destination", "prefix"):
        if option in b and not is_literal(b[option], None, ""):
            raise Unsupported(api, f"{option}= has no counterpart: the state dict is nested, not flat with prefixes")
    if api == "torch.save":
        _require(api, b, "obj", "f")
        return Mapped(call("t2j_save_checkpoint", b["obj"], b["f"]), ("t2j_save_checkpoint",))
    if api == "torch.load":
        _require(api, b, "f")
        return Mapped(call("t2j_load_checkpoint", b["f"]), ("t2j_load_checkpoint",))
    _require(api, b, "self")
    if api.endswith(".state_dict"):
        return Mapped(call("t2j_state_dict", b["self"]), ("t2j_state_dict",))
    _require(api, b, "state_dict")
    strict = b.get("strict")
    if strict is not None and is_literal(strict, True):
        strict = None
    return Mapped(call("t2j_load_state_dict", b["self"], b["state_dict"], strict=strict), ("t2j_load_state_dict",))


def _require(api: str, b: dict[str, ast.expr], *names: str) -> None:
    for name in names:
        if name not in b:
            raise Unsupported(api, f"no {name} argument")
