"""Engine-side mapping of torch's random draws, generators and seeding to jax.random with an nnx.Rngs stream.

Design decision 2: one program-level stream `rngs = nnx.Rngs(seed)` replaces torch's global
generator, and every draw takes a fresh key `rngs()`. `translate_random_call(api, args, keywords,
rngs=...)` returns the draw as a `Mapped` expression, keeping torch's argument conventions:

    torch.randn(N, D)                   -> jax.random.normal(rngs(), (N, D))
    torch.rand(3, dtype=torch.float64)  -> jax.random.uniform(rngs(), (3,), dtype=jnp.float64)
    torch.randint(10, (4,))             -> jax.random.randint(rngs(), (4,), 0, 10)
    torch.randint(2, 10, (4,))          -> jax.random.randint(rngs(), (4,), 2, 10)
    torch.randperm(n)                   -> jax.random.permutation(rngs(), n)
    torch.normal(0.0, 2.0, size=(3,))   -> 2.0 * jax.random.normal(rngs(), (3,))
    torch.normal(mu, sigma)             -> mu + sigma * jax.random.normal(rngs(), jnp.broadcast_shapes(...))
    torch.bernoulli(p)                  -> jax.random.bernoulli(rngs(), p).astype(p.dtype)
    torch.multinomial(w, 3)             -> t2j_multinomial(rngs(), w, 3)  (Gumbel top-k; replacement=True:
                                           categorical on log weights)
    torch.randn_like(x)                 -> jax.random.normal(rngs(), x.shape, dtype=x.dtype)
    torch.empty(3, 4).uniform_(-1, 1)   -> jax.random.uniform(rngs(), (3, 4), minval=-1, maxval=1)
    w.normal_(0, 0.02)                  -> 0.02 * jax.random.normal(rngs(), w.shape, dtype=w.dtype)
    torch.Generator().manual_seed(42)   -> nnx.Rngs(42)   (then generator=g draws use g())

In-place draws (`uniform_`, `normal_`, `bernoulli_`, `exponential_`) return the new value; the
engine assigns it to the receiver. `translate_manual_seed` turns `torch.manual_seed(s)` into
`rngs = nnx.Rngs(s)` at module level and `nnx.reseed(rngs, default=s)` elsewhere; CUDA seeding
disappears (it does not touch the CPU generator in torch either).

The trade-off: the draws have torch's distributions and shapes, never torch's numbers; integer
draws are int32 (JAX's default) where torch gives int64.
"""

from __future__ import annotations

import ast

from ...apis import dotted
from ..registry import Unsupported
from .mapping import Mapped, Signature, bind, call, expr, is_integer_dtype, is_literal, jax_dtype, key_from, literal

_FACTORY_OPTIONS = frozenset({"layout", "device", "requires_grad", "pin_memory", "memory_format", "names"})

SIGNATURES: dict[str, Signature] = {
    "torch.rand": Signature((), ("size", "generator", "dtype"), _FACTORY_OPTIONS, variadic="size"),
    "torch.randn": Signature((), ("size", "generator", "dtype"), _FACTORY_OPTIONS, variadic="size"),
    "torch.randint": Signature(("low", "high", "size"), ("generator", "dtype"), _FACTORY_OPTIONS),
    "torch.randperm": Signature(("n",), ("generator", "dtype"), _FACTORY_OPTIONS),
    "torch.normal": Signature(("mean", "std", "size"), ("generator", "dtype"), _FACTORY_OPTIONS),
    "torch.bernoulli": Signature(("input", "p"), ("generator",)),
    "torch.multinomial": Signature(("input", "num_samples", "replacement"), ("generator",)),
    "torch.poisson": Signature(("input",), ("generator",)),
    "torch.rand_like": Signature(("input",), ("dtype",), _FACTORY_OPTIONS),
    "torch.randn_like": Signature(("input",), ("dtype",), _FACTORY_OPTIONS),
    "torch.randint_like": Signature(("input", "low", "high"), ("dtype",), _FACTORY_OPTIONS),
    "torch.Tensor.uniform_": Signature(("self", "from", "to"), ("generator",)),
    "torch.Tensor.normal_": Signature(("self", "mean", "std"), ("generator",)),
    "torch.Tensor.bernoulli_": Signature(("self", "p"), ("generator",)),
    "torch.Tensor.exponential_": Signature(("self", "lambd"), ("generator",)),
    "torch.Tensor.bernoulli": Signature(("self", "p"), ("generator",)),
    "torch.Tensor.multinomial": Signature(("self", "num_samples", "replacement"), ("generator",)),
    "torch.Generator": Signature(("device",), dropped=frozenset({"device"})),
    "torch.Generator.manual_seed": Signature(("self", "seed")),
}

_SEEDING = ("torch.manual_seed", "torch.random.manual_seed")
_DEVICE_SEEDING = ("torch.cuda.manual_seed", "torch.cuda.manual_seed_all", "torch.mps.manual_seed",
                   "torch.xpu.manual_seed", "torch.xpu.manual_seed_all")
_NOT_TRANSLATED = {
    "torch.seed": "seeds from a nondeterministic source; give the program an explicit seed",
    "torch.initial_seed": "an nnx.Rngs stream does not keep the seed it started from",
    "torch.get_rng_state": "use nnx.state(rngs) to read the stream's key and count",
    "torch.set_rng_state": "use nnx.update(rngs, state) to restore the stream's key and count",
    "torch.random.fork_rng": "no counterpart; split a key with jax.random.split for a local stream",
    "torch.Generator.seed": "seeds from a nondeterministic source; give the generator an explicit seed",
    "torch.Generator.initial_seed": "an nnx.Rngs stream does not keep the seed it started from",
    "torch.Generator.get_state": "use nnx.state(generator) for its key and count",
    "torch.Generator.set_state": "use nnx.update(generator, state) to restore its key and count",
}

RANDOM_APIS = frozenset(SIGNATURES) | frozenset(_SEEDING) | frozenset(_DEVICE_SEEDING) | frozenset(_NOT_TRANSLATED)
# The tensor methods above whose result is the receiver's new value (the engine rebinds the receiver).
IN_PLACE = frozenset({"torch.Tensor.uniform_", "torch.Tensor.normal_", "torch.Tensor.bernoulli_",
                      "torch.Tensor.exponential_"})

_FILLED = ("jnp.zeros", "jnp.empty", "jnp.ones", "torch.empty", "torch.zeros", "torch.ones")


def _key(b: dict[str, ast.expr], rngs: ast.expr) -> ast.Call:
    """A fresh key from the call's generator, or from the program's stream (also for generator=None)."""
    generator = b.get("generator")
    return key_from(rngs if generator is None or is_literal(generator, None) else generator)


def _shape(node: ast.expr | None) -> ast.expr:
    """A shape argument: `(3, 4)`, `shape` or `n`, with a lone literal int made a 1-tuple; none -> ()."""
    if node is None:
        return ast.Tuple(elts=[], ctx=ast.Load())
    if isinstance(node, ast.Tuple) and len(node.elts) == 1 and not isinstance(node.elts[0], ast.Starred):
        return _shape(node.elts[0]) if not isinstance(node.elts[0], ast.Constant) else node
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return ast.Tuple(elts=[node], ctx=ast.Load())
    if isinstance(node, ast.List):
        return ast.Tuple(elts=node.elts, ctx=ast.Load())
    return node


def _astype(value: ast.expr, dtype: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Attribute(value=value, attr="astype", ctx=ast.Load()), args=[dtype], keywords=[])


def _attr(node: ast.expr, name: str) -> ast.Attribute:
    return ast.Attribute(value=node, attr=name, ctx=ast.Load())


def _affine(mean: ast.expr | None, std: ast.expr | None, draw: ast.expr) -> ast.expr:
    """mean + std * draw, leaving out a literal mean 0 and a literal std 1."""
    if std is not None and not is_literal(std, 1, 1.0):
        draw = ast.BinOp(left=std, op=ast.Mult(), right=draw)
    if mean is not None and not is_literal(mean, 0, 0.0):
        draw = ast.BinOp(left=mean, op=ast.Add(), right=draw)
    return draw


def _receiver_shape_dtype(recv: ast.expr) -> tuple[ast.expr, ast.expr | None]:
    """Shape and dtype to draw for an in-place fill: read from a freshly built receiver
    (`jnp.zeros((3, 4))`, `torch.empty(3, 4)`) or taken from the array (`w.shape`, `w.dtype`)."""
    if isinstance(recv, ast.Call) and dotted(recv.func) in _FILLED and recv.args \
            and not any(isinstance(a, ast.Starred) for a in recv.args):
        dtype = next((k.value for k in recv.keywords if k.arg == "dtype"), None)
        if dotted(recv.func).startswith("torch."):
            shape = recv.args[0] if len(recv.args) == 1 else ast.Tuple(elts=recv.args, ctx=ast.Load())
        else:
            shape = recv.args[0]
            dtype = recv.args[1] if dtype is None and len(recv.args) > 1 else dtype
        return _shape(shape), jax_dtype(dtype)
    return _attr(recv, "shape"), _attr(recv, "dtype")


def _bind_int_range(api: str, args: list[ast.expr], keywords: list[ast.keyword]) -> dict[str, ast.expr]:
    """torch.randint(high, size) or (low, high, size), and randint_like(x, high) or (x, low, high):
    the positional form is told apart by how many positional arguments there are."""
    lead = ["input"] if api == "torch.randint_like" else []
    named = {k.arg for k in keywords}
    count = len(args) - len(lead)
    if count >= 3:
        order = ["low", "high", "size"]
    elif count == 2:
        order = ["low", "high"] if lead or "size" in named else ["high", "size"]
    elif count == 1:
        order = ["low"] if "high" in named else ["high"]
    else:
        order = []
    sig = SIGNATURES[api]
    keyword_only = ("low", "high") + (() if lead else ("size",)) + sig.keyword_only
    return bind(api, Signature(tuple(lead + order), keyword_only, sig.dropped), args, keywords)


def translate_random_call(api: str, args: list[ast.expr], keywords: list[ast.keyword], *,
                          rngs: ast.expr) -> Mapped:
    """The JAX draw for one torch random call or generator call (see the module docstring).

    `rngs` is the stream the key comes from (the program's `rngs`, or in a module method the
    module's own stream); a `generator=` argument replaces it. For tensor methods the receiver is
    the first element of `args`.
    """
    if api in _NOT_TRANSLATED:
        raise Unsupported(api, _NOT_TRANSLATED[api])
    if api in _SEEDING or api in _DEVICE_SEEDING:
        raise Unsupported(api, "seeding is a statement (translate_manual_seed), not a value")
    if api not in SIGNATURES:
        raise Unsupported(api, "no mapping for this random API")
    if api in ("torch.randint", "torch.randint_like"):
        b = _bind_int_range(api, args, keywords)
    else:
        b = bind(api, SIGNATURES[api], args, keywords)
    dtype = jax_dtype(b.get("dtype"))
    key = _key(b, rngs)
    short = api.rsplit(".", 1)[1]

    if short in ("rand", "randn"):
        fn = "jax.random.uniform" if short == "rand" else "jax.random.normal"
        return Mapped(call(fn, key, _shape(b.get("size")), dtype=dtype))
    if short == "randint":
        if "high" not in b or "size" not in b:
            raise Unsupported(api, "no upper bound (high)" if "high" not in b else "no size argument")
        draw = call("jax.random.randint", key, _shape(b.get("size")), b.get("low", ast.Constant(0)), b["high"],
                    dtype=dtype if is_integer_dtype(dtype) and dotted(dtype) != "jnp.int32" else None)
        return Mapped(draw if dtype is None or is_integer_dtype(dtype) else _astype(draw, dtype))
    if short == "randperm":
        draw = call("jax.random.permutation", key, b["n"])
        return Mapped(draw if dtype is None or dotted(dtype) == "jnp.int32" else _astype(draw, dtype))
    if short == "normal" and api == "torch.normal":
        return Mapped(_normal(api, b, key, dtype))
    if short in ("bernoulli", "multinomial", "poisson"):
        return _from_input(api, short, b, key)
    if short in ("rand_like", "randn_like"):
        fn = "jax.random.uniform" if short == "rand_like" else "jax.random.normal"
        x = b["input"]
        return Mapped(call(fn, key, _attr(x, "shape"), dtype=dtype if dtype is not None else _attr(x, "dtype")))
    if short == "randint_like":
        x = b["input"]
        draw = call("jax.random.randint", key, _attr(x, "shape"), b.get("low", ast.Constant(0)), b["high"])
        return Mapped(_astype(draw, dtype if dtype is not None else _attr(x, "dtype")))
    if api.startswith("torch.Tensor."):
        return Mapped(_fill(short, b, key))
    if api == "torch.Generator":
        return Mapped(call("nnx.Rngs", ast.Constant(0)))
    return Mapped(_generator_seed(b))


def _normal(api: str, b: dict[str, ast.expr], key: ast.Call, dtype: ast.expr | None) -> ast.expr:
    """torch.normal(mean, std, size) with numbers, or (mean, std) with tensors broadcast together."""
    mean, std = b.get("mean"), b.get("std", ast.Constant(1.0))
    if mean is None:
        raise Unsupported(api, "no mean argument")
    if "size" in b:
        return _affine(mean, std, call("jax.random.normal", key, _shape(b["size"]), dtype=dtype))
    numbers = [isinstance(literal(n), (int, float)) for n in (mean, std)]
    if all(numbers):
        raise Unsupported(api, "two numbers and no size: torch needs size= or a tensor argument")
    if numbers[0]:
        shape = call("jnp.shape", std)
    elif numbers[1]:
        shape = call("jnp.shape", mean)
    else:
        shape = call("jnp.broadcast_shapes", call("jnp.shape", mean), call("jnp.shape", std))
    return _affine(mean, std, call("jax.random.normal", key, shape))


def _from_input(api: str, short: str, b: dict[str, ast.expr], key: ast.Call) -> Mapped:
    """bernoulli / multinomial / poisson of a tensor (function or method form)."""
    x = b.get("input", b.get("self"))
    if x is None:
        raise Unsupported(api, "no input tensor")
    if short == "bernoulli":
        draw = call("jax.random.bernoulli", key, b["p"], _attr(x, "shape")) if "p" in b \
            else call("jax.random.bernoulli", key, x)
        return Mapped(_astype(draw, _attr(x, "dtype")))
    if short == "poisson":
        return Mapped(_astype(call("jax.random.poisson", key, x), _attr(x, "dtype")))
    if "num_samples" not in b:
        raise Unsupported(api, "no num_samples argument")
    replacement = b.get("replacement")
    if replacement is not None and is_literal(replacement, False):
        replacement = None
    return Mapped(call("t2j_multinomial", key, x, b["num_samples"], replacement=replacement), ("t2j_multinomial",))


def _fill(short: str, b: dict[str, ast.expr], key: ast.Call) -> ast.expr:
    """The new value of an in-place fill: a draw with the receiver's shape and dtype."""
    shape, dtype = _receiver_shape_dtype(b["self"])
    if short == "uniform_":
        low, high = b.get("from"), b.get("to")
        return call("jax.random.uniform", key, shape, dtype=dtype,
                    minval=None if low is None or is_literal(low, 0, 0.0) else low,
                    maxval=None if high is None or is_literal(high, 1, 1.0) else high)
    if short == "normal_":
        return _affine(b.get("mean"), b.get("std"), call("jax.random.normal", key, shape, dtype=dtype))
    if short == "exponential_":
        draw = call("jax.random.exponential", key, shape, dtype=dtype)
        lambd = b.get("lambd")
        return draw if lambd is None or is_literal(lambd, 1, 1.0) else ast.BinOp(left=draw, op=ast.Div(), right=lambd)
    # bernoulli_(p=0.5): 0/1 in the receiver's dtype (float32 for a fresh jnp.zeros without dtype)
    draw = call("jax.random.bernoulli", key, b.get("p", ast.Constant(0.5)), shape)
    return _astype(draw, dtype if dtype is not None else expr("jnp.float32"))


def _generator_seed(b: dict[str, ast.expr]) -> ast.expr:
    """g.manual_seed(s): a fresh generator becomes `nnx.Rngs(s)`; an existing one is reseeded in
    place with `nnx.reseed(g, default=s)` (a statement: its value is None, not the generator)."""
    recv, seed = b.get("self"), b.get("seed")
    if recv is None or seed is None:
        raise Unsupported("torch.Generator.manual_seed", "needs a generator and a seed")
    if isinstance(recv, ast.Call) and dotted(recv.func) in ("nnx.Rngs", "torch.Generator"):
        return call("nnx.Rngs", seed)
    return call("nnx.reseed", recv, default=seed)


def translate_manual_seed(api: str, args: list[ast.expr], keywords: list[ast.keyword], *,
                          stream: str = "rngs", module_level: bool) -> ast.stmt | None:
    """The statement replacing `torch.manual_seed(s)`: `rngs = nnx.Rngs(s)` at module level,
    `nnx.reseed(rngs, default=s)` elsewhere (rngs is a module global; reseeding mutates it, so no
    `global` statement is needed). CUDA/MPS/XPU seeding returns None: drop the statement."""
    if api in _DEVICE_SEEDING:
        return None
    if api not in _SEEDING:
        raise Unsupported(api, "not a seeding call")
    b = bind(api, Signature(("seed",)), args, keywords)
    if "seed" not in b:
        raise Unsupported(api, "no seed argument")
    if module_level:
        return ast.Assign(targets=[ast.Name(stream, ast.Store())], value=call("nnx.Rngs", b["seed"]), lineno=0)
    return ast.Expr(value=call("nnx.reseed", ast.Name(stream, ast.Load()), default=b["seed"]))
