"""Padding: F.pad and the nn.ZeroPadNd / ConstantPadNd / ReflectionPadNd / ReplicationPadNd /
CircularPadNd modules.

Both go through `t2j_pad`, which reads PyTorch's pad list the way PyTorch does: (left, right) pairs
starting from the LAST axis, so `F.pad(x, (1, 2))` pads the last axis and nothing else. A module
becomes `functools.partial(t2j_pad, pad=..., mode=...)`, a parameter-free callable.

The trade-off: the pad list is expanded at translation time when it is a literal (one int pads
every side); otherwise `t2j_tuple` expands it when the module is built.
"""

from __future__ import annotations

import ast

from ..registry import Unsupported, bind, call, helper_handler, literal, need, partial, register

NN = "torch.nn."
F = "torch.nn.functional."
_MODES = {"Zero": "constant", "Constant": "constant", "Reflection": "reflect", "Replication": "replicate",
          "Circular": "circular"}

register(F + "pad")(helper_handler(F + "pad", "t2j_pad", ["input", "pad", "mode", "value"]))


def _pad_module(kind: str, nd: int):
    api = f"{NN}{kind}Pad{nd}d"
    params = ["padding", "value"] if kind == "Constant" else ["padding"]

    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords, drop=())
        if "padding" not in b or (kind == "Constant" and "value" not in b):
            raise Unsupported(api, "missing required argument(s)")
        p = literal(b["padding"])
        if isinstance(p, int):  # one int pads every side of the last nd axes
            pad = ast.Tuple(elts=[ast.Constant(p)] * (2 * nd), ctx=ast.Load())
        elif isinstance(p, (tuple, list)):
            if len(p) != 2 * nd:
                raise Unsupported(api, f"padding needs {2 * nd} values, got {len(p)}")
            pad = ast.Tuple(elts=[ast.Constant(v) for v in p], ctx=ast.Load())
        else:
            need(tr, "t2j_tuple")
            pad = call("t2j_tuple", b["padding"], ast.Constant(2 * nd))
        extra = {"value": b["value"]} if kind == "Constant" else {}
        return partial(tr, "t2j_pad", pad=pad, mode=ast.Constant(_MODES[kind]), **extra)
    return handler


for _nd in (1, 2, 3):
    for _kind in _MODES:
        register(f"{NN}{_kind}Pad{_nd}d")(_pad_module(_kind, _nd))
