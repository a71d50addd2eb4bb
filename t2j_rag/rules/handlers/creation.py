"""Tensor creation: torch.zeros / ones / empty / full / tensor, the *_like and Tensor.new_* forms,
random draws (torch.randn / rand and their *_like forms), torch.meshgrid and torch.diag_embed.

Variadic shapes (`torch.zeros(2, 3)`, `torch.zeros((2, 3))`, `size=`) become one shape argument;
`device`, `layout` and `requires_grad` vanish, since JAX places arrays itself.

The trade-off: a random draw follows PyTorch's distribution, not its numbers. Its key comes from
`rngs` in `__init__` and from the module's own stream in the module's other methods (note
tensors-random-keys); outside a module there is no key to use, so the call stays a TODO.
"""

from __future__ import annotations

import ast

from ..registry import Unsupported, bind, call, helper_handler, jexpr, need, register, shape


def random_key(tr, api: str) -> ast.expr:
    """A fresh key: from `rngs` in __init__, from the module's own stream in its other methods
    (same distribution as PyTorch, not the same numbers); elsewhere there is no key to use."""
    if tr.ctx.in_init:
        return jexpr("rngs.params()")
    if tr.ctx.in_module_method:
        tr.ctx.uses_rngs = True
        return jexpr("self.t2j_rngs.noise()")
    raise Unsupported(api, "random numbers outside a module need an explicit PRNG key (note tensors-random-keys)")


def _factory(api: str):
    name = api.rsplit(".", 1)[1]

    def handler(tr, args, keywords):
        kws = {k.arg: k.value for k in keywords if k.arg not in ("device", "requires_grad", "layout", "pin_memory")}
        size = kws.pop("size", None)
        dims = size if size is not None else shape(args)
        dtype = kws.pop("dtype", None)
        if kws:
            raise Unsupported("torch factory", f"keyword(s) {', '.join(kws)} not handled")
        extra = {"dtype": dtype} if dtype is not None else {}
        if name in ("randn", "rand"):
            fn = "jax.random.normal" if name == "randn" else "jax.random.uniform"
            return call(fn, random_key(tr, api), dims, **extra)
        return call("jnp.zeros" if name == "empty" else f"jnp.{name}", dims, **extra)
    return handler


for _api in ("torch.zeros", "torch.ones", "torch.empty", "torch.randn", "torch.rand"):
    register(_api)(_factory(_api))


def _random_like(name: str):
    api = f"torch.{name}_like"

    def handler(tr, args, keywords):
        b = bind(api, ["input", "dtype"], args, keywords)
        need(tr, "t2j_random_like")
        return call("t2j_random_like", random_key(tr, api), b.pop("input"), ast.Constant(name == "randn"), **b)
    return handler


register("torch.randn_like")(_random_like("randn"))
register("torch.rand_like")(_random_like("rand"))


@register("torch.full")
def _full(tr, args, keywords):
    b = bind("torch.full", ["size", "fill_value", "dtype"], args, keywords)
    extra = {"dtype": b["dtype"]} if "dtype" in b else {}
    return call("jnp.full", b["size"], b["fill_value"], **extra)


@register("torch.tensor", "torch.as_tensor")
def _tensor(tr, args, keywords):
    b = bind("torch.tensor", ["data", "dtype"], args, keywords)
    extra = {"dtype": b["dtype"]} if "dtype" in b else {}
    return call("jnp.asarray", b["data"], **extra)


def _like(name: str):
    def handler(tr, args, keywords):
        kws = {k.arg: k.value for k in keywords if k.arg not in ("device", "requires_grad", "memory_format")}
        unknown = set(kws) - {"dtype", "fill_value"}
        if unknown or not args:
            raise Unsupported(f"torch.{name}", "arguments not handled")
        if name == "full_like":
            fill = args[1] if len(args) > 1 else kws.pop("fill_value")
            return call("jnp.full_like", args[0], fill, **kws)
        return call("jnp.zeros_like" if name == "empty_like" else f"jnp.{name}", args[0], **kws)
    return handler


for _name in ("zeros_like", "ones_like", "empty_like", "full_like"):
    register(f"torch.{_name}")(_like(_name))


def _dtype_of(recv: ast.expr) -> ast.expr:
    return ast.Attribute(value=recv, attr="dtype", ctx=ast.Load())


@register("torch.Tensor.new_zeros", "torch.Tensor.new_empty")
def _new_zeros(tr, args, keywords):
    recv, *dims = args
    kws = {k.arg: k.value for k in keywords if k.arg not in ("device", "requires_grad")}
    dtype = kws.pop("dtype", _dtype_of(recv))
    return call("jnp.zeros", shape(dims), dtype=dtype)


@register("torch.Tensor.new_ones")
def _new_ones(tr, args, keywords):
    recv, *dims = args
    return call("jnp.ones", shape(dims), dtype=_dtype_of(recv))


@register("torch.Tensor.new_full")
def _new_full(tr, args, keywords):
    recv, *rest = args
    b = bind("torch.Tensor.new_full", ["size", "fill_value"], rest, keywords)
    return call("jnp.full", b["size"], b["fill_value"], dtype=_dtype_of(recv))


@register("torch.meshgrid")
def _meshgrid(tr, args, keywords):
    b = {k.arg: k.value for k in keywords}
    if set(b) - {"indexing"}:
        raise Unsupported("torch.meshgrid", f"keyword(s) {', '.join(set(b) - {'indexing'})} not handled")
    need(tr, "t2j_meshgrid")
    return call("t2j_meshgrid", *args, **b)


register("torch.diag_embed", "torch.Tensor.diag_embed", rename_unsupported=True)(
    helper_handler("torch.diag_embed", "t2j_diag_embed", ["input", "offset", "dim1", "dim2"]))
