"""Indexing, selection and updates along a dimension: masked_fill, Tensor.where, take / take_along_dim,
select, index_add / index_copy / index_fill, scatter / scatter_add / scatter_reduce, searchsorted and
bucketize.

JAX arrays are immutable, so every update is functional (`x.at[...]`, inside a runtime helper for
the dimension-wise forms); argument orders that differ from jax.numpy (`x.where(cond, y)`,
`bucketize(x, boundaries)`) are swapped here, where the note can say so.

The trade-off: a reduction or side that is not a literal is reported, and `sorter=` is not
handled, so a scatter or search never depends on a Python value that jit would have to trace.
"""

from __future__ import annotations

import ast

from ..registry import MISSING, Unsupported, bind, call, literal_value, need, register

NOTE = "rules-tensor-functions-more"


@register("torch.Tensor.masked_fill", "torch.masked_fill")
def _masked_fill(tr, args, keywords):
    b = bind("torch.Tensor.masked_fill", ["input", "mask", "value"], args, keywords)
    return call("jnp.where", b["mask"], b["value"], b["input"])


@register("torch.Tensor.where")
def _where_method(tr, args, keywords):
    recv, *args = args
    b = bind("torch.Tensor.where", ["condition", "other"], args, keywords)
    # x.where(cond, y): x is the value where cond holds (torch.where(cond, x, y)).
    return call("jnp.where", b["condition"], recv, b["other"])


@register("torch.take", "torch.Tensor.take", rename_unsupported=True)
def _take(tr, args, keywords):
    b = bind("torch.take", ["input", "index"], args, keywords)
    # torch.take indexes the flattened input, as jnp.take does without an axis.
    return call("jnp.take", b["input"], b["index"])


@register("torch.Tensor.take_along_dim")
def _take_along_dim_method(tr, args, keywords):
    recv, *args = args
    b = bind("torch.Tensor.take_along_dim", ["indices", "dim"], args, keywords)
    return call("jnp.take_along_axis", recv, b["indices"], axis=b.get("dim", ast.Constant(None)))


@register("torch.select", "torch.Tensor.select", rename_unsupported=True)
def _select(tr, args, keywords):
    b = bind("torch.select", ["input", "dim", "index"], args, keywords)
    return call("jnp.take", b["input"], b["index"], axis=b["dim"])


def _index_update(kind: str):
    api = f"torch.index_{kind}"
    params = ["input", "dim", "index", "value" if kind == "fill" else "source"] + (["alpha"] if kind == "add" else [])

    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords)
        if len(b) < 4:
            raise Unsupported(api, "needs input, dim, index and a source/value")
        need(tr, "t2j_index_update")
        extra = {"alpha": b["alpha"]} if "alpha" in b else {}
        return call("t2j_index_update", b["input"], b["dim"], b["index"], b[params[3]], ast.Constant(kind), **extra)
    return handler


for _kind in ("add", "copy", "fill"):
    register(f"torch.index_{_kind}", f"torch.Tensor.index_{_kind}", rename_unsupported=True)(_index_update(_kind))


@register("torch.scatter", "torch.Tensor.scatter", rename_unsupported=True)
def _scatter(tr, args, keywords):
    api = "torch.scatter"
    b = bind(api, ["input", "dim", "index", "src", "value", "reduce"], args, keywords)
    src = b.get("src", b.get("value"))
    if src is None:
        raise Unsupported(api, "needs src= or value=")
    mode = "set"
    if "reduce" in b:
        red = literal_value(api, b["reduce"], "reduce", NOTE)
        mode = {"add": "sum", "multiply": "prod"}.get(red)
        if mode is None:
            raise Unsupported(api, f"reduce={red!r} is not a scatter reduction")
    need(tr, "t2j_scatter")
    return call("t2j_scatter", b["input"], b["dim"], b["index"], src, ast.Constant(mode))


@register("torch.scatter_add", "torch.Tensor.scatter_add", rename_unsupported=True)
def _scatter_add(tr, args, keywords):
    b = bind("torch.scatter_add", ["input", "dim", "index", "src"], args, keywords)
    need(tr, "t2j_scatter")
    return call("t2j_scatter", b["input"], b["dim"], b["index"], b["src"], ast.Constant("sum"))


@register("torch.scatter_reduce", "torch.Tensor.scatter_reduce", rename_unsupported=True)
def _scatter_reduce(tr, args, keywords):
    api = "torch.scatter_reduce"
    b = bind(api, ["input", "dim", "index", "src", "reduce", "include_self"], args, keywords)
    red = literal_value(api, b["reduce"], "reduce", NOTE) if "reduce" in b else MISSING
    if red not in ("sum", "prod", "mean", "amax", "amin"):
        raise Unsupported(api, f"reduce={red!r} is not handled (note {NOTE})")
    need(tr, "t2j_scatter")
    extra = {"include_self": b["include_self"]} if "include_self" in b else {}
    return call("t2j_scatter", b["input"], b["dim"], b["index"], b["src"], ast.Constant(red), **extra)


def _side(api: str, b: dict) -> bool:
    """searchsorted's right=/side= as one boolean (side wins, as in PyTorch, when both agree)."""
    right = literal_value(api, b["right"], "right", NOTE) if "right" in b else False
    if "side" in b:
        side = literal_value(api, b["side"], "side", NOTE)
        if side not in ("left", "right") or right and side == "left":
            raise Unsupported(api, f"side={side!r} with right={right!r} is not valid in PyTorch")
        right = side == "right"
    return bool(right)


@register("torch.searchsorted")
def _searchsorted(tr, args, keywords):
    api = "torch.searchsorted"
    b = bind(api, ["sorted_sequence", "input", "out_int32", "right", "side", "sorter"], args, keywords)
    if "sorter" in b:
        raise Unsupported(api, f"sorter= is not handled (note {NOTE})")
    b.pop("out_int32", None)  # JAX's default integer is already int32
    need(tr, "t2j_searchsorted")
    return call("t2j_searchsorted", b["sorted_sequence"], b["input"], right=ast.Constant(_side(api, b)))


@register("torch.bucketize")
def _bucketize(tr, args, keywords):
    api = "torch.bucketize"
    b = bind(api, ["input", "boundaries", "out_int32", "right"], args, keywords)
    b.pop("out_int32", None)
    # bucketize(x, boundaries) is searchsorted(boundaries, x): the argument order is swapped.
    side = "right" if _side(api, b) else "left"
    return call("jnp.searchsorted", b["boundaries"], b["input"], side=ast.Constant(side))
