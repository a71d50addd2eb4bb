"""Random replay for program checks: the translation's `jax.random` calls get the original's draws.

The PyTorch run records every draw its own code makes, standardised (`capture`);
the translation is compiled with each `<x>.normal(...)` / `uniform` / `randint` /
`permutation` / `bernoulli` / `categorical` call rerouted through a hook (`RandomCalls`),
and `RandomReplay.draw` decides at run time: a real `jax.random` sampler (or an
`nnx.Rngs` method) outside module constructors and outside jitted code gets the next
recorded draw, de-standardised for its arguments (minval/maxval, the array a
permutation shuffles), when kind and shape agree; anything else (NumPy's
`np.random.normal`, a traced call) runs as written. At the first disagreement replay
stops for the rest of the run and `diverged` says where and why.

The trade-off: matching by kind and shape in call order is cheap and needs nothing
from the translation, but only lines up programs that draw in the same order; the
report's divergence point is what tells a reader when it did not.

`host_initializers` is the other half of "same weights, cheaply": parameter
initialisers draw on the host during checked runs, since the original's weights
replace them anyway and compiling a sampler per kernel shape dominated an eager run.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect

import numpy as np

KINDS = ("normal", "uniform", "randint", "permutation", "bernoulli", "categorical")


class RandomCalls(ast.NodeTransformer):
    """`<anything>.normal(...)` / `normal(...)` -> `<hooks>.draw(<callee>, ...)`; the hook decides at
    run time whether the callee really is a jax.random function (so numpy's `np.random.normal` passes through)."""

    def __init__(self, hooks_name: str):
        self.hooks_name = hooks_name

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name not in KINDS:
            return node
        hook = ast.Attribute(value=ast.Name(self.hooks_name, ast.Load()), attr="draw", ctx=ast.Load())
        return ast.copy_location(ast.Call(func=hook, args=[func, *node.args], keywords=node.keywords), node)


class RandomReplay:
    """The original's recorded draws, handed out in order; `session_replay` swaps in a module check's own."""

    def __init__(self, draws: list, store):
        self.draws, self.store = draws, store
        self.pos = 0  # draws replayed so far
        self.diverged: dict | None = None
        self.in_modules = 0  # replay attempts inside module code
        self.traced = 0  # draws inside jitted code, not replayed
        self.session: list | None = None
        self.session_pos = 0

    def draw(self, fn, args, kwargs, *, in_constructor: bool, in_module: bool, active: bool):
        """`fn(*args, **kwargs)`, or the original's next draw in its place when `fn` is a jax.random sampler,
        the call is not inside a module constructor nor a jitted function, and kind and shape agree."""
        kind, method = random_kind(fn)
        if kind is None or in_constructor:
            return fn(*args, **kwargs)
        if traced(args, kwargs):
            self.traced += 1  # inside a jitted function: a replayed constant would repeat every step
            return fn(*args, **kwargs)
        if self.session is not None:
            queue, pos = self.session, self.session_pos
        elif active and self.diverged is None:
            queue, pos = self.draws, self.pos
        else:
            return fn(*args, **kwargs)
        if in_module:
            self.in_modules += 1
        if pos >= len(queue):
            return self._diverge(pos, None, kind, args, kwargs, "the original made no more draws", fn)
        torch_draw = queue[pos]
        try:
            value, why = self._replayed(kind, method, args, kwargs, torch_draw)
        except Exception as exc:  # noqa: BLE001 - arguments we cannot read: do not replay
            value, why = None, f"{type(exc).__name__}: {exc}"
        if value is None:
            return self._diverge(pos, torch_draw, kind, args, kwargs, why, fn)
        if self.session is not None:
            self.session_pos += 1
        else:
            self.pos += 1
        return value

    def _diverge(self, pos, torch_draw, kind, args, kwargs, why, fn):
        if self.session is None:
            self.diverged = {
                "draw": pos + 1,
                "torch": (f"{torch_draw.kind}{list(torch_draw.shape)} (torch.{torch_draw.source})"
                          if torch_draw is not None else None),
                "jax": f"jax.random.{kind}", "reason": why,
            }
        else:
            self.session = []  # stop replaying inside this check
        return fn(*args, **kwargs)

    def _replayed(self, kind: str, method: bool, args, kwargs, d):
        import jax.numpy as jnp
        import jax.random as jr

        if d.kind != kind:
            return None, f"the original drew {d.kind}, the translation {kind}"
        if d.ref is None or d.ref.drawn:
            return None, "the original's draw was too big for --capture-mb"
        bound = inspect.signature(getattr(jr, kind)).bind(*((None,) if method else ()), *args, **kwargs)
        bound.apply_defaults()
        a = bound.arguments
        values = self.store.get(d.ref)

        def shape_of(s):
            return (int(s),) if isinstance(s, (int, np.integer)) else tuple(int(x) for x in s)

        if kind in ("normal", "uniform", "randint"):
            shape = shape_of(a["shape"])
            if shape != values.shape:
                return None, f"shape {list(shape)} in the translation, {list(values.shape)} in the original"
            if kind == "normal":
                return jnp.asarray(values, dtype=a["dtype"]), ""
            if kind == "uniform":
                lo, hi = a["minval"], a["maxval"]
                return (lo + (hi - lo) * jnp.asarray(values, dtype=a["dtype"])).astype(a["dtype"]), ""
            if np.any(values < np.asarray(a["minval"])) or np.any(values >= np.asarray(a["maxval"])):
                return None, "the original's integers fall outside the translation's range"
            return jnp.asarray(values, dtype=a["dtype"]), ""
        if kind == "permutation":
            x = a["x"]
            if a.get("independent"):
                return None, "independent permutations are not replayed"
            if np.ndim(x) == 0:
                n = int(x)
                return (jnp.asarray(values) if values.shape == (n,) else None), f"permutation of {n}"
            axis = a["axis"]
            if values.shape != (np.shape(x)[axis],):
                return None, f"permutation of {np.shape(x)[axis]} in the translation, {values.shape[0]} in the original"
            return jnp.take(x, jnp.asarray(values), axis=axis), ""
        if kind == "bernoulli":
            shape = shape_of(a["shape"]) if a["shape"] is not None else tuple(np.shape(a["p"]))
            if shape != values.shape:
                return None, f"shape {list(shape)} in the translation, {list(values.shape)} in the original"
            return jnp.asarray(values.astype(bool)), ""
        logits = a["logits"]
        batch = list(np.shape(logits))
        del batch[a["axis"]]
        shape = shape_of(a["shape"]) if a["shape"] is not None else tuple(batch)
        if int(np.prod(shape)) != values.size:
            return None, f"{int(np.prod(shape))} categorical samples in the translation, {values.size} in the original"
        return jnp.asarray(values.reshape(shape), dtype=jnp.int32), ""

    @contextlib.contextmanager
    def session_replay(self, draws: list):
        """Replay `draws` (made by the PyTorch side of one module check) into the JAX side of that check."""
        self.session, self.session_pos = list(draws), 0
        try:
            yield
        finally:
            self.session = None


def random_kind(fn) -> tuple[str | None, bool]:
    """("normal", False) for jax.random.normal, ("normal", True) for an nnx.Rngs/RngStream's .normal, else (None, _)."""
    import jax.random as jr

    name = getattr(fn, "__name__", None)
    if name not in KINDS:
        return None, False
    if fn is getattr(jr, name):
        return name, False
    owner = getattr(fn, "__self__", None)
    if owner is not None:
        from flax import nnx

        if isinstance(owner, (nnx.Rngs, nnx.RngStream)):
            return name, True
    return None, False


def traced(*trees) -> bool:
    import jax

    return any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree.leaves(trees))


@contextlib.contextmanager
def host_initializers():
    """Parameter initialisers draw on the host (NumPy, seeded from the key) instead of compiling a
    sampler per kernel shape. Initial JAX weights are overwritten by the original's anyway, and an
    eager run otherwise spends most of its compile time here; the key streams advance as before."""
    import jax._src.random as internal

    stack = contextlib.ExitStack()
    for kind in ("truncated_normal", "normal", "uniform"):
        original = getattr(internal, kind)
        setattr(internal, kind, _host_sampler(original, kind))
        stack.callback(setattr, internal, kind, original)
    with stack:
        yield


def _host_sampler(original, kind: str):
    signature = inspect.signature(original)

    @functools.wraps(original)
    def sample(*args, **kwargs):
        import jax
        import jax.numpy as jnp

        try:
            a = signature.bind(*args, **kwargs).arguments
        except TypeError:
            return original(*args, **kwargs)
        key, shape, dtype = a.get("key"), a.get("shape", ()), a.get("dtype")
        dtype = jnp.dtype(jnp.float32 if dtype is None or dtype is float else dtype)
        bounds = [a.get(k, d) for k, d in (("lower", -2.0), ("upper", 2.0), ("minval", 0.0), ("maxval", 1.0))]
        if (shape is None or a.get("out_sharding") is not None or not jnp.issubdtype(dtype, jnp.floating)
                or traced(key, bounds) or any(np.ndim(b) for b in bounds)):
            return original(*args, **kwargs)
        data = np.asarray(jax.random.key_data(key) if jnp.issubdtype(key.dtype, jax.dtypes.prng_key) else key)
        rng = np.random.default_rng(int.from_bytes(data.tobytes()[:16], "little"))
        shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(d) for d in shape)
        if kind == "uniform":
            values = rng.uniform(float(bounds[2]), float(bounds[3]), shape)
        elif kind == "normal":
            values = rng.standard_normal(shape)
        else:
            lower, upper = float(bounds[0]), float(bounds[1])
            values = rng.standard_normal(shape)
            bad = (values < lower) | (values > upper)
            while bad.any():
                values[bad] = rng.standard_normal(int(bad.sum()))
                bad = (values < lower) | (values > upper)
        return jnp.asarray(values, dtype=dtype)

    return sample
