"""Code-level handlers for calls a data rule cannot express.

Variadic shapes (`x.view(b, -1)`, `torch.zeros(2, 3)`), results that are tuples
(`x.max(dim)`, `x.chunk(3)`), casts and device moves, `.size(i)`, dropout with
an explicit `training` flag, and the functional pooling/padding/attention calls
that go through the helpers in `runtime.py`. Each handler takes the already
translated arguments and returns a JAX expression, or raises `Unsupported`.

The trade-off: these handlers are code, so adding one is a code change; they are
kept to constructs whose PyTorch semantics need a decision (ceil-sized chunks,
split sizes rather than split points, reversed pad pairs) and each names the note
that explains the trap.
"""

from __future__ import annotations

import ast

from .calls import _MISSING, literal
from .context import Unsupported
from .expressions import DTYPES, call, jexpr

HANDLERS: dict = {}
METHOD_HANDLERS: dict = {}


def handles(*apis: str):
    def deco(fn):
        for api in apis:
            if api.startswith("torch.Tensor."):
                METHOD_HANDLERS[api] = fn
            else:
                HANDLERS[api] = fn
        return fn
    return deco


def _call_args(rest: tuple) -> tuple[list, list]:
    """Handlers get (args, keywords) for a function call and (receiver, args, keywords) for a method call;
    return the positional arguments with the receiver first, and the keywords."""
    if len(rest) == 3:
        recv, args, keywords = rest
        return [recv, *args], keywords
    args, keywords = rest
    return args, keywords


def _bind(api: str, params: list[str], args: list, keywords: list, drop=("device", "requires_grad", "out",
                                                                          "memory_format", "non_blocking", "copy",
                                                                          "layout", "pin_memory")) -> dict:
    """Parameter name -> node; unknown keywords are Unsupported, device-like keywords vanish."""
    bound = {}
    if len(args) > len(params):
        raise Unsupported(api, f"{len(args)} positional arguments, expected at most {len(params)}")
    for name, a in zip(params, args):
        if isinstance(a, ast.Starred):
            raise Unsupported(api, "a *args argument here is not handled")
        bound[name] = a
    for k in keywords:
        if k.arg in drop:
            continue
        if k.arg not in params:
            raise Unsupported(api, f"keyword '{k.arg}' is not handled")
        bound[k.arg] = k.value
    return bound


def _shape(args: list) -> ast.expr:
    """`f(2, 3)`, `f((2, 3))`, `f(*s)` or `f(s)` -> one shape expression."""
    if len(args) == 1 and not isinstance(args[0], ast.Starred):
        return args[0]
    return ast.Tuple(elts=list(args), ctx=ast.Load())


def _need(tr, *helpers: str) -> None:
    tr.ctx.helpers.update(helpers)


def _is_dtype(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "jnp" \
        and node.attr in {d.split(".")[1] for d in DTYPES.values()}


# --- creation ----------------------------------------------------------------------


def _factory(tr, args, keywords, api):
    kws = {k.arg: k.value for k in keywords if k.arg not in ("device", "requires_grad", "layout", "pin_memory")}
    size = kws.pop("size", None)
    shape = size if size is not None else _shape(args)
    dtype = kws.pop("dtype", None)
    if kws:
        raise Unsupported("torch factory", f"keyword(s) {', '.join(kws)} not handled")
    return _factory_call(tr, api, shape, dtype)


def _factory_call(tr, api, shape, dtype):
    extra = {"dtype": dtype} if dtype is not None else {}
    name = api.rsplit(".", 1)[1]
    if name in ("randn", "rand"):
        fn = "jax.random.normal" if name == "randn" else "jax.random.uniform"
        return call(fn, _random_key(tr, api), shape, **extra)
    return call("jnp.zeros" if name == "empty" else f"jnp.{name}", shape, **extra)


def _random_key(tr, api: str) -> ast.expr:
    """A fresh key: from `rngs` in __init__, from the module's own stream in its other methods
    (same distribution as PyTorch, not the same numbers); elsewhere there is no key to use."""
    if tr.ctx.in_init:
        return jexpr("rngs.params()")
    if tr.ctx.in_module_method:
        tr.ctx.uses_rngs = True
        return jexpr("self.t2j_rngs.noise()")
    raise Unsupported(api, "random numbers outside a module need an explicit PRNG key (note tensors-random-keys)")


def _random_like(name: str):
    api = f"torch.{name}_like"

    def handler(tr, args, keywords):
        b = _bind(api, ["input", "dtype"], args, keywords)
        _need(tr, "t2j_random_like")
        return call("t2j_random_like", _random_key(tr, api), b.pop("input"), ast.Constant(name == "randn"), **b)
    return handler


HANDLERS["torch.randn_like"] = _random_like("randn")
HANDLERS["torch.rand_like"] = _random_like("rand")


for _api in ("torch.zeros", "torch.ones", "torch.empty", "torch.randn", "torch.rand"):
    HANDLERS[_api] = (lambda a: lambda tr, args, kw: _factory(tr, args, kw, a))(_api)


@handles("torch.full")
def _full(tr, args, keywords):
    b = _bind("torch.full", ["size", "fill_value", "dtype"], args, keywords)
    extra = {"dtype": b["dtype"]} if "dtype" in b else {}
    return call("jnp.full", b["size"], b["fill_value"], **extra)


@handles("torch.tensor", "torch.as_tensor")
def _tensor(tr, args, keywords):
    b = _bind("torch.tensor", ["data", "dtype"], args, keywords)
    extra = {"dtype": b["dtype"]} if "dtype" in b else {}
    return call("jnp.asarray", b["data"], **extra)


def _like_for(name: str):
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


for _n in ("zeros_like", "ones_like", "empty_like", "full_like"):
    HANDLERS[f"torch.{_n}"] = _like_for(_n)


@handles("torch.Tensor.new_zeros", "torch.Tensor.new_ones", "torch.Tensor.new_empty")
def _new(tr, recv, args, keywords):
    kws = {k.arg: k.value for k in keywords if k.arg not in ("device", "requires_grad")}
    dtype = kws.pop("dtype", ast.Attribute(value=recv, attr="dtype", ctx=ast.Load()))
    return call("jnp.zeros", _shape(args), dtype=dtype)


METHOD_HANDLERS["torch.Tensor.new_ones"] = lambda tr, recv, args, kw: call(
    "jnp.ones", _shape(args), dtype=ast.Attribute(value=recv, attr="dtype", ctx=ast.Load()))


@handles("torch.Tensor.new_full")
def _new_full(tr, recv, args, keywords):
    b = _bind("torch.Tensor.new_full", ["size", "fill_value"], args, keywords)
    return call("jnp.full", b["size"], b["fill_value"], dtype=ast.Attribute(value=recv, attr="dtype", ctx=ast.Load()))


# --- shape and layout --------------------------------------------------------------


@handles("torch.Tensor.view", "torch.Tensor.reshape")
def _view(tr, recv, args, keywords):
    if keywords and not (len(keywords) == 1 and keywords[0].arg in ("shape", "size")):
        raise Unsupported("torch.Tensor.view", "keywords not handled")
    if keywords:
        args = [keywords[0].value]
    if len(args) == 1 and _is_dtype(args[0]):
        raise Unsupported("torch.Tensor.view", "view(dtype) reinterprets bits; use jax.lax.bitcast_convert_type")
    return call("jnp.reshape", recv, _shape(args))


@handles("torch.reshape")
def _reshape(tr, args, keywords):
    b = _bind("torch.reshape", ["input", "shape"], args, keywords)
    return call("jnp.reshape", b["input"], b["shape"])


@handles("torch.Tensor.view_as", "torch.Tensor.reshape_as")
def _view_as(tr, recv, args, keywords):
    return call("jnp.reshape", recv, ast.Attribute(value=args[0], attr="shape", ctx=ast.Load()))


@handles("torch.Tensor.permute")
def _permute(tr, recv, args, keywords):
    if keywords:
        args = [keywords[0].value]
    return call("jnp.transpose", recv, _shape(args))


@handles("torch.permute")
def _tpermute(tr, args, keywords):
    b = _bind("torch.permute", ["input", "dims"], args, keywords)
    return call("jnp.transpose", b["input"], b["dims"])


@handles("torch.Tensor.t")
def _t(tr, recv, args, keywords):
    return ast.Attribute(value=recv, attr="T", ctx=ast.Load())


@handles("torch.Tensor.size")
def _size(tr, recv, args, keywords):
    shape = ast.Attribute(value=recv, attr="shape", ctx=ast.Load())
    dim = args[0] if args else (keywords[0].value if keywords else None)
    return shape if dim is None else ast.Subscript(value=shape, slice=dim, ctx=ast.Load())


@handles("torch.Tensor.dim", "torch.Tensor.ndimension")
def _dim(tr, recv, args, keywords):
    return ast.Attribute(value=recv, attr="ndim", ctx=ast.Load())


@handles("torch.Tensor.numel", "torch.numel")
def _numel(tr, recv, args=None, keywords=None):
    if isinstance(recv, list):  # torch.numel(x) arrives as (tr, args, keywords)
        recv = recv[0]
    return ast.Attribute(value=recv, attr="size", ctx=ast.Load())


@handles("torch.flatten", "torch.Tensor.flatten")
def _flatten(tr, *rest):
    args, keywords = _call_args(rest)
    b = _bind("torch.flatten", ["input", "start_dim", "end_dim"], args, keywords)
    _need(tr, "t2j_flatten")
    extra = {k: b[k] for k in ("start_dim", "end_dim") if k in b}
    return call("t2j_flatten", b["input"], **extra)


@handles("torch.Tensor.unflatten")
def _unflatten(tr, recv, args, keywords):
    b = _bind("torch.Tensor.unflatten", ["dim", "sizes"], args, keywords)
    d = literal(b["dim"])
    if d is _MISSING or not isinstance(d, int):
        raise Unsupported("torch.Tensor.unflatten", "dim must be a literal integer")
    head = f"x.shape[:{d}]" if d >= 0 else f"x.shape[:x.ndim + ({d})]"
    tail = f"x.shape[{d} + 1:]" if d >= 0 else (f"x.shape[x.ndim + ({d}) + 1:]")
    expr = jexpr(f"jnp.reshape(x, {head} + tuple(SIZES) + {tail})")
    return _substitute(expr, {"x": recv, "SIZES": b["sizes"]})


def _substitute(expr: ast.expr, names: dict[str, ast.expr]) -> ast.expr:
    class Sub(ast.NodeTransformer):
        def visit_Name(self, node):
            return names.get(node.id, node)
    return Sub().visit(expr)


@handles("torch.Tensor.expand")
def _expand(tr, recv, args, keywords):
    sizes = [literal(a) for a in args]
    if len(args) > 1 and -1 not in sizes and _MISSING not in sizes:
        return call("jnp.broadcast_to", recv, ast.Tuple(elts=args, ctx=ast.Load()))
    # -1 keeps a size, and a shape known only at run time may contain one
    _need(tr, "t2j_expand")
    return call("t2j_expand", recv, _shape(args))


@handles("torch.Tensor.expand_as")
def _expand_as(tr, recv, args, keywords):
    return call("jnp.broadcast_to", recv, ast.Attribute(value=args[0], attr="shape", ctx=ast.Load()))


@handles("torch.Tensor.repeat")
def _repeat(tr, recv, args, keywords):
    return call("jnp.tile", recv, _shape(args))


@handles("torch.Tensor.contiguous", "torch.Tensor.clone", "torch.Tensor.cpu", "torch.Tensor.cuda",
         "torch.Tensor.requires_grad_", "torch.Tensor.pin_memory")
def _identity(tr, recv, args, keywords):
    return recv


@handles("torch.Tensor.item", "torch.Tensor.tolist")
def _keep(tr, recv, args, keywords):
    raise Unsupported("torch.Tensor.item", "a Python number from an array breaks under jax.jit (note lint-traced-python)")


# --- casts -------------------------------------------------------------------------


for _m, _d in (("float", "float"), ("double", "double"), ("half", "half"), ("bfloat16", "bfloat16"),
               ("long", "long"), ("int", "int"), ("bool", "bool")):
    METHOD_HANDLERS[f"torch.Tensor.{_m}"] = (lambda dt: lambda tr, recv, args, kw: ast.Call(
        func=ast.Attribute(value=recv, attr="astype", ctx=ast.Load()), args=[jexpr(dt)], keywords=[]))(DTYPES[_d])


@handles("torch.Tensor.to", "torch.Tensor.type")
def _to(tr, recv, args, keywords):
    dtype = None
    for a in args:
        if _is_dtype(a):
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
    return ast.Call(func=ast.Attribute(value=recv, attr="astype", ctx=ast.Load()), args=[dtype], keywords=[])


@handles("torch.Tensor.type_as")
def _type_as(tr, recv, args, keywords):
    return ast.Call(func=ast.Attribute(value=recv, attr="astype", ctx=ast.Load()),
                    args=[ast.Attribute(value=args[0], attr="dtype", ctx=ast.Load())], keywords=[])


# --- multi-result and reordering -----------------------------------------------------


def _maxmin(kind):
    def handler(tr, *rest):
        args, keywords = _call_args(rest)
        kws = {k.arg: k.value for k in keywords}
        if len(args) == 1 and not kws:
            return call(f"jnp.{kind}", args[0])
        second = args[1] if len(args) > 1 else kws.get("dim", kws.get("other"))
        lit = literal(second) if second is not None else _MISSING
        is_dim = "dim" in kws or isinstance(lit, int) or (isinstance(second, ast.Name) and second.id in ("dim", "axis"))
        if not is_dim:
            return call("jnp.maximum" if kind == "max" else "jnp.minimum", args[0], second)
        keep = args[2] if len(args) > 2 else kws.get("keepdim")
        _need(tr, "t2j_max_dim")
        extra = {"keepdims": keep} if keep is not None else {}
        return call("t2j_max_dim", args[0], ast.Constant(kind), second, **extra)
    return handler


for _k in ("max", "min"):
    HANDLERS[f"torch.{_k}"] = _maxmin(_k)
    METHOD_HANDLERS[f"torch.Tensor.{_k}"] = _maxmin(_k)


def _chunk_split(helper, api, params):
    def handler(tr, *rest):
        args, keywords = _call_args(rest)
        b = _bind(api, params, args, keywords)
        _need(tr, helper)
        extra = {"axis": b["dim"]} if "dim" in b else {}
        return call(helper, b["input"], b[params[1]], **extra)
    return handler


for _api in ("torch.chunk", "torch.Tensor.chunk"):
    (METHOD_HANDLERS if "Tensor" in _api else HANDLERS)[_api] = _chunk_split("t2j_chunk", _api, ["input", "chunks", "dim"])
for _api in ("torch.split", "torch.Tensor.split"):
    (METHOD_HANDLERS if "Tensor" in _api else HANDLERS)[_api] = _chunk_split(
        "t2j_split", _api, ["input", "split_size_or_sections", "dim"])


@handles("torch.Tensor.masked_fill", "torch.masked_fill")
def _masked_fill(tr, *rest):
    args, keywords = _call_args(rest)
    b = _bind("torch.Tensor.masked_fill", ["input", "mask", "value"], args, keywords)
    return call("jnp.where", b["mask"], b["value"], b["input"])


@handles("torch.Tensor.unbind", "torch.unbind")
def _unbind(tr, *rest):
    args, keywords = _call_args(rest)
    b = _bind("torch.unbind", ["input", "dim"], args, keywords)
    dim = b.get("dim", ast.Constant(0))
    return _substitute(jexpr("tuple(jnp.moveaxis(X, D, 0))"), {"X": b["input"], "D": dim})


@handles("torch.div", "torch.Tensor.div")
def _div(tr, *rest):
    args, keywords = _call_args(rest)
    b = _bind("torch.div", ["input", "other", "rounding_mode"], args, keywords)
    mode = literal(b["rounding_mode"]) if "rounding_mode" in b else None
    fn = {None: "jnp.true_divide", "floor": "jnp.floor_divide", "trunc": "t2j_div_trunc"}.get(mode, None)
    if fn is None or mode is _MISSING:
        raise Unsupported("torch.div", f"rounding_mode={mode!r} not handled (note tensors-int-division)")
    if mode == "trunc":
        _need(tr, fn)
    return call(fn, b["input"], b["other"])
