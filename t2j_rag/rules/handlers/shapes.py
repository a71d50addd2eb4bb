"""Shapes and views: view / reshape / permute with variadic sizes, size() / dim() / numel, flatten and
unflatten (functions, methods and the nn.Flatten / nn.Unflatten modules), expand with -1, repeat and
tile, chunk / split / unbind (tuples of results), narrow, atleast_Nd, and nn.Unfold / nn.Fold.

The trade-off: where PyTorch's sizes need a decision (ceil-sized chunks, split sizes rather than
split points, -1 in expand, a negative unflatten dim) the handler emits a runtime helper or an
explicit formula instead of the nearest jnp call; `view(dtype)`, which reinterprets bits, is
reported rather than mistaken for a reshape.
"""

from __future__ import annotations

import ast

from ..registry import (MISSING, Unsupported, bind, call, helper_handler, is_dtype, jexpr, literal, need, partial,
                        partial_handler, register, shape)

NN = "torch.nn."
NOTE = "note rules-tensor-functions-more"


def _attr(node: ast.expr, name: str) -> ast.expr:
    return ast.Attribute(value=node, attr=name, ctx=ast.Load())


def _substitute(expr: ast.expr, names: dict[str, ast.expr]) -> ast.expr:
    class Sub(ast.NodeTransformer):
        def visit_Name(self, node):
            return names.get(node.id, node)
    return Sub().visit(expr)


@register("torch.Tensor.view", "torch.Tensor.reshape")
def _view(tr, args, keywords):
    recv, *args = args
    if keywords and not (len(keywords) == 1 and keywords[0].arg in ("shape", "size")):
        raise Unsupported("torch.Tensor.view", "keywords not handled")
    if keywords:
        args = [keywords[0].value]
    if len(args) == 1 and is_dtype(args[0]):
        raise Unsupported("torch.Tensor.view", "view(dtype) reinterprets bits; use jax.lax.bitcast_convert_type")
    return call("jnp.reshape", recv, shape(args))


@register("torch.reshape")
def _reshape(tr, args, keywords):
    b = bind("torch.reshape", ["input", "shape"], args, keywords)
    return call("jnp.reshape", b["input"], b["shape"])


@register("torch.Tensor.view_as", "torch.Tensor.reshape_as")
def _view_as(tr, args, keywords):
    return call("jnp.reshape", args[0], _attr(args[1], "shape"))


@register("torch.Tensor.permute")
def _permute(tr, args, keywords):
    recv, *args = args
    if keywords:
        args = [keywords[0].value]
    return call("jnp.transpose", recv, shape(args))


@register("torch.permute")
def _permute_function(tr, args, keywords):
    b = bind("torch.permute", ["input", "dims"], args, keywords)
    return call("jnp.transpose", b["input"], b["dims"])


@register("torch.Tensor.t")
def _t(tr, args, keywords):
    return _attr(args[0], "T")


@register("torch.Tensor.size")
def _size(tr, args, keywords):
    recv, *args = args
    dims = _attr(recv, "shape")
    dim = args[0] if args else (keywords[0].value if keywords else None)
    return dims if dim is None else ast.Subscript(value=dims, slice=dim, ctx=ast.Load())


@register("torch.Tensor.dim", "torch.Tensor.ndimension")
def _dim(tr, args, keywords):
    return _attr(args[0], "ndim")


@register("torch.Tensor.numel", "torch.numel")
def _numel(tr, args, keywords):
    return _attr(args[0], "size")


@register("torch.flatten", "torch.Tensor.flatten")
def _flatten(tr, args, keywords):
    b = bind("torch.flatten", ["input", "start_dim", "end_dim"], args, keywords)
    need(tr, "t2j_flatten")
    extra = {k: b[k] for k in ("start_dim", "end_dim") if k in b}
    return call("t2j_flatten", b["input"], **extra)


@register(NN + "Flatten")
def _flatten_module(tr, args, keywords):
    b = bind(NN + "Flatten", ["start_dim", "end_dim"], args, keywords)
    return partial(tr, "t2j_flatten", start_dim=b.get("start_dim", ast.Constant(1)),
                   end_dim=b.get("end_dim", ast.Constant(-1)))


@register("torch.Tensor.unflatten")
def _unflatten(tr, args, keywords):
    recv, *args = args
    b = bind("torch.Tensor.unflatten", ["dim", "sizes"], args, keywords)
    d = literal(b["dim"])
    if d is MISSING or not isinstance(d, int):
        raise Unsupported("torch.Tensor.unflatten", "dim must be a literal integer")
    head = f"x.shape[:{d}]" if d >= 0 else f"x.shape[:x.ndim + ({d})]"
    tail = f"x.shape[{d} + 1:]" if d >= 0 else (f"x.shape[x.ndim + ({d}) + 1:]")
    expr = jexpr(f"jnp.reshape(x, {head} + tuple(SIZES) + {tail})")
    return _substitute(expr, {"x": recv, "SIZES": b["sizes"]})


register(NN + "Unflatten")(partial_handler(NN + "Unflatten", "t2j_unflatten", ["dim", "unflattened_size"], 2))


@register("torch.Tensor.expand")
def _expand(tr, args, keywords):
    recv, *args = args
    sizes = [literal(a) for a in args]
    if len(args) > 1 and -1 not in sizes and MISSING not in sizes:
        return call("jnp.broadcast_to", recv, ast.Tuple(elts=args, ctx=ast.Load()))
    # -1 keeps a size, and a shape known only at run time may contain one
    need(tr, "t2j_expand")
    return call("t2j_expand", recv, shape(args))


@register("torch.Tensor.expand_as")
def _expand_as(tr, args, keywords):
    return call("jnp.broadcast_to", args[0], _attr(args[1], "shape"))


@register("torch.Tensor.repeat")
def _repeat(tr, args, keywords):
    recv, *args = args
    return call("jnp.tile", recv, shape(args))


@register("torch.Tensor.tile")
def _tile(tr, args, keywords):
    recv, *args = args
    if keywords:
        args = [bind("torch.Tensor.tile", ["dims"], [], keywords)["dims"]]
    return call("jnp.tile", recv, shape(args))


def _chunk_split(helper: str, api: str, params: list[str]):
    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords)
        need(tr, helper)
        extra = {"axis": b["dim"]} if "dim" in b else {}
        return call(helper, b["input"], b[params[1]], **extra)
    return handler


for _api in ("torch.chunk", "torch.Tensor.chunk"):
    register(_api)(_chunk_split("t2j_chunk", _api, ["input", "chunks", "dim"]))
for _api in ("torch.split", "torch.Tensor.split"):
    register(_api)(_chunk_split("t2j_split", _api, ["input", "split_size_or_sections", "dim"]))


@register("torch.Tensor.unbind", "torch.unbind")
def _unbind(tr, args, keywords):
    b = bind("torch.unbind", ["input", "dim"], args, keywords)
    dim = b.get("dim", ast.Constant(0))
    return _substitute(jexpr("tuple(jnp.moveaxis(X, D, 0))"), {"X": b["input"], "D": dim})


register("torch.narrow", "torch.Tensor.narrow", rename_unsupported=True)(
    helper_handler("torch.narrow", "t2j_narrow", ["input", "dim", "start", "length"], keyword_from=4))


def _atleast(n: int):
    def handler(tr, args, keywords):
        if len(args) != 1 or keywords or isinstance(args[0], ast.Starred):
            raise Unsupported(f"torch.atleast_{n}d", f"only one tensor argument is handled ({NOTE})")
        return call(f"jnp.atleast_{n}d", args[0])
    return handler


for _n in (1, 2, 3):
    register(f"torch.atleast_{_n}d")(_atleast(_n))


# im2col / col2im as modules (F.unfold / F.fold are data rules onto the same helpers)
register(NN + "Unfold")(partial_handler(NN + "Unfold", "t2j_unfold",
                                        ["kernel_size", "dilation", "padding", "stride"], 1))
register(NN + "Fold")(partial_handler(NN + "Fold", "t2j_fold",
                                      ["output_size", "kernel_size", "dilation", "padding", "stride"], 2))
