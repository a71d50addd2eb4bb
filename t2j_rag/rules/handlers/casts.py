"""Casts and device moves: Tensor.float() / long() / ..., Tensor.to / type / type_as, and the methods
that only move or copy memory (contiguous, clone, cpu, cuda, pin_memory, requires_grad_).

A cast becomes `x.astype(dtype)`; a device move or a copy becomes the array itself (JAX arrays are
immutable and placed by JAX, note tensors-device-moves).

The trade-off: `.item()` and `.tolist()` are reported, not translated: a Python number taken from
an array breaks under jax.jit (note lint-traced-python), and only the user can decide whether the
value may stay an array.
"""

from __future__ import annotations

import ast

from ..registry import DTYPES, Unsupported, is_dtype, jexpr, register


def _astype(x: ast.expr, dtype: ast.expr) -> ast.expr:
    return ast.Call(func=ast.Attribute(value=x, attr="astype", ctx=ast.Load()), args=[dtype], keywords=[])


def _cast(dtype: str):
    def handler(tr, args, keywords):
        return _astype(args[0], jexpr(dtype))
    return handler


for _method, _dtype in (("float", "float"), ("double", "double"), ("half", "half"), ("bfloat16", "bfloat16"),
                        ("long", "long"), ("int", "int"), ("bool", "bool")):
    register(f"torch.Tensor.{_method}")(_cast(DTYPES[_dtype]))


@register("torch.Tensor.to", "torch.Tensor.type")
def _to(tr, args, keywords):
    recv, *args = args
    dtype = None
    for a in args:
        if is_dtype(a):
            dtype = a
        elif isinstance(a, ast.Attribute) and a.attr == "dtype":
            dtype = a
    for k in keywords:
        if k.arg == "dtype":
            dtype = k.value
        elif k.arg not in ("device", "non_blocking", "copy", "memory_format"):
            raise Unsupported("torch.Tensor.to", f"keyword '{k.arg}' not handled")
    if dtype is None:
        return recv  # a device move: JAX places arrays itself (note tensors-device-moves)
    return _astype(recv, dtype)


@register("torch.Tensor.type_as")
def _type_as(tr, args, keywords):
    return _astype(args[0], ast.Attribute(value=args[1], attr="dtype", ctx=ast.Load()))


@register("torch.Tensor.contiguous", "torch.Tensor.clone", "torch.Tensor.cpu", "torch.Tensor.cuda",
          "torch.Tensor.requires_grad_", "torch.Tensor.pin_memory")
def _same_array(tr, args, keywords):
    return args[0]


@register("torch.Tensor.item", "torch.Tensor.tolist")
def _python_value(tr, args, keywords):
    raise Unsupported("torch.Tensor.item",
                      "a Python number from an array breaks under jax.jit (note lint-traced-python)")
