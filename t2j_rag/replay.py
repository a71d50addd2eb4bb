"""Run the JAX translation in step with the captured original: same weights, same random draws, steps recorded.

`run_translation` executes the translated program (see `program_exec`) after the
PyTorch original ran under `capture`, with:

- weight sync: every top-level `nnx.Module` subclass of the file is decorated so
  that its k-th root instance (built with no other file module under construction)
  gets the weights of the k-th root PyTorch instance of the class of the same name,
  moved by the weight converter (or the file's own `convert_weights`); and the
  module an `nnx.Optimizer` is built for gets the weights the matching PyTorch
  optimizer (same creation order) started from;
- random replay: every `jax.random.<normal|uniform|randint|permutation|bernoulli|
  categorical>` call written in the file (and `rngs.normal(...)`-style calls) goes
  through `Replay.draw` to `random_replay.RandomReplay`, which returns the original's
  next recorded draw when kind and shape agree; at the first disagreement replay
  stops for the rest of the run and the report says where the streams diverged.
  Draws inside file-module constructors (initialisation) are left alone, as on the
  PyTorch side, and initialisers draw on the host (`host_initializers`);
- steps: `nnx.Optimizer.update` is wrapped to count steps and keep the module's
  state after each; `nnx.value_and_grad` / `jax.value_and_grad` record the loss they
  return; dropout is off. Inside a jitted step these values are tracers, so they are
  sent out with ordered `jax.debug.callback`s, and `nnx.jit` / `jax.jit` functions
  are wrapped to stop the program at the cap once the step that reached it returns.

The trade-off: keeping the translation jitted (rather than running it eagerly, which
would make every value observable directly) is what keeps the check fast -- an eager
run compiles every primitive of every shape on its own -- at the price of callbacks,
and of random draws inside jitted code, which cannot be replayed step by step (they
are counted, and a training check they affect says "not comparable").
"""

from __future__ import annotations

import contextlib
import functools
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .captured import CaptureStore, summarize
from .capture import TorchCapture, fingerprint
from .program_exec import RunOutcome, StopProgram, instrument, run_program
from .random_replay import RandomCalls, RandomReplay, host_initializers, traced

HOOKS = "__t2j_replay__"
_MISSING = object()


@dataclass
class JaxStep:
    loss: float | None
    state: dict | None  # flat state path -> ArrayRef after the update; None when over the budget
    batch: str = ""
    fingerprint: list | None = None
    draws: int = 0  # the original's draws replayed before this step


@dataclass
class JaxOptimizer:
    index: int
    model_name: str
    sync_error: str | None = None
    template: Any = field(default=None, repr=False)  # a clone of the model right after sync
    steps: list = field(default_factory=list)
    pending_batch: str | None = None
    pending_fingerprint: list | None = None


@dataclass
class JaxRun:
    path: str
    outcome: RunOutcome
    namespace: dict
    optimizers: list
    optax_steps: int
    sync_errors: list  # (class name, message)
    replayed: int
    diverged: dict | None
    draws_in_modules: int
    losses: list  # every loss value_and_grad returned, in order
    traced_draws: int = 0  # random draws inside jitted code (not replayed)


def convert_into(torch_module, jax_module, namespace: dict) -> None:
    """Move weights with the file's `convert_weights(state_dict, module)` when it has one, else the converter."""
    from . import weights

    hook = namespace.get("convert_weights")
    if callable(hook):
        hook(weights.torch_state_dict_numpy(torch_module), jax_module)
    else:
        weights.convert_module(torch_module, jax_module)


def flat_state(module) -> dict:
    """path -> NumPy copy of every variable of `module` except RNG state (a copy: a view of a JAX buffer
    can see that memory reused once the variable holds a new array)."""
    return {k: np.array(v, copy=True) for k, v in _state_arrays(module).items()}


class Replay:
    """The hooks object the instrumented translation calls (`__t2j_replay__`), and its patches."""

    def __init__(self, capture: TorchCapture, store: CaptureStore, max_steps: int):
        self.capture, self.store, self.max_steps = capture, store, max_steps
        self.recording = True
        self.namespace: dict = {}
        self.ctor_depth = 0
        self.call_depth = 0
        self.root_counts: dict[str, int] = {}
        self.sync_errors: list[tuple[str, str]] = []
        self.optimizers: list[JaxOptimizer] = []
        self.optax_steps = 0
        self.in_update = 0
        self.last_loss: float | None = None
        self.losses: list[float] = []
        self.random = RandomReplay(capture.draws, store)
        self.stop_requested = False
        self.uses_callbacks = False  # a jitted function with our callbacks was traced

    # ------------------------------------------------------------------ module classes

    def module_class(self, cls):
        from flax import nnx

        if not (isinstance(cls, type) and issubclass(cls, nnx.Module)):
            return cls
        name = cls.__name__
        own_init, own_call = cls.__dict__.get("__init__"), cls.__dict__.get("__call__")
        rep = self

        def call_init(obj, args, kwargs):
            if own_init is not None:
                return own_init(obj, *args, **kwargs)
            return super(cls, obj).__init__(*args, **kwargs)

        def __init__(obj, *args, **kwargs):
            if type(obj) is not cls:
                return call_init(obj, args, kwargs)
            rep.ctor_depth += 1
            try:
                call_init(obj, args, kwargs)
            finally:
                rep.ctor_depth -= 1
            if rep.ctor_depth == 0 and rep.recording:
                rep._root_built(name, obj)

        if own_init is not None:
            functools.update_wrapper(__init__, own_init)
        cls.__init__ = __init__
        if own_call is not None:
            @functools.wraps(own_call)
            def __call__(obj, *args, **kwargs):
                if rep.call_depth == 0 and rep.recording:
                    rep._model_called(obj, args)
                rep.call_depth += 1
                try:
                    return own_call(obj, *args, **kwargs)
                finally:
                    rep.call_depth -= 1

            cls.__call__ = __call__
        return cls

    def function(self, name: str):
        return lambda fn: fn

    def _root_built(self, name: str, obj) -> None:
        k = self.root_counts.get(name, 0)
        self.root_counts[name] = k + 1
        roots = self.capture.roots.get(name, [])
        if k >= len(roots) or roots[k] is None:
            return
        try:
            convert_into(roots[k], obj, self.namespace)
        except Exception as exc:  # noqa: BLE001 - reported; the run goes on with the JAX initialisation
            self.sync_errors.append((name, f"{type(exc).__name__}: {str(exc)[:300]}"))

    def _model_called(self, obj, args) -> None:
        j = getattr(obj, "_t2j_trained_by", None)
        if j is None or j >= len(self.optimizers) or self.optimizers[j].pending_batch is not None:
            return
        try:
            self.optimizers[j].pending_batch, self.optimizers[j].pending_fingerprint = summarize(args), fingerprint(args)
        except Exception:  # noqa: BLE001 - a traced input: no fingerprint
            self.optimizers[j].pending_batch = summarize(args)

    # ------------------------------------------------------------------ random draws

    def draw(self, fn, *args, **kwargs):
        """Where the instrumented translation's random calls go (see `random_replay`)."""
        return self.random.draw(fn, args, kwargs, in_constructor=self.ctor_depth > 0, in_module=self.call_depth > 0,
                                active=self.recording)

    def session_replay(self, draws: list):
        return self.random.session_replay(draws)

    # ------------------------------------------------------------------ optimizers and losses

    def _optimizer_init_wrapper(self, original):
        rep = self

        @functools.wraps(original)
        def __init__(opt, model, *args, **kwargs):
            if not rep.recording:
                return original(opt, model, *args, **kwargs)
            j = len(rep.optimizers)
            rec = JaxOptimizer(j, type(model).__name__)
            rep.optimizers.append(rec)
            torch_opts = rep.capture.optimizers
            if j < len(torch_opts) and torch_opts[j].owner is not None:
                try:
                    convert_into(torch_opts[j].owner, model, rep.namespace)
                except Exception as exc:  # noqa: BLE001
                    rec.sync_error = f"{type(exc).__name__}: {str(exc)[:300]}"
            original(opt, model, *args, **kwargs)
            from flax import nnx

            object.__setattr__(opt, "_t2j_index", j)
            object.__setattr__(model, "_t2j_trained_by", j)
            try:
                rec.template = nnx.clone(model)
            except Exception:  # noqa: BLE001
                rec.template = None

        return __init__

    def _optimizer_update_wrapper(self, original):
        rep = self

        @functools.wraps(original)
        def update(opt, model, *args, **kwargs):
            rep.in_update += 1
            try:
                out = original(opt, model, *args, **kwargs)
            finally:
                rep.in_update -= 1
            j = getattr(opt, "_t2j_index", None)
            if rep.recording and j is not None and j < len(rep.optimizers):
                rep._emit(functools.partial(rep._stepped, rep.optimizers[j]), _state_arrays(model))
            return out

        return update

    def _emit(self, record, values) -> None:
        """Call `record(values)` now, or, when `values` are tracers of a jitted step, when the step runs."""
        import jax

        if traced(values):
            self.uses_callbacks = True
            jax.debug.callback(functools.partial(_from_callback, record), values, ordered=True)
        else:
            record(jax.tree.map(lambda v: np.array(v, copy=True), values), from_callback=False)

    def _stepped(self, rec: JaxOptimizer, arrays: dict, from_callback: bool = False) -> None:
        state = None
        arrays = {k: np.array(v, copy=True) for k, v in arrays.items()}
        if arrays and self.store.fits(sum(a.nbytes for a in arrays.values())):
            state = {k: self.store.put(a, f"JAX state after step {len(rec.steps) + 1}") for k, a in arrays.items()}
        rec.steps.append(JaxStep(self.last_loss, state, rec.pending_batch or "", rec.pending_fingerprint,
                                 self.random.pos))
        rec.pending_batch = rec.pending_fingerprint = None
        if len(rec.steps) >= self.max_steps:
            self.stop_requested = True
            if not from_callback:
                raise StopProgram("steps")

    def _after_compiled_call(self) -> None:
        """After a jitted function returns: let its callbacks land, then stop at the cap."""
        if self.uses_callbacks:  # sticky: a cached compiled step emits its callbacks without tracing again
            import jax

            jax.effects_barrier()
        if self.stop_requested and self.recording:
            raise StopProgram("steps")

    def _jit_wrapper(self, original):
        rep = self

        def jit(fun=_MISSING, *args, **kwargs):
            if fun is _MISSING:
                return lambda f: jit(f, *args, **kwargs)
            compiled = original(fun, *args, **kwargs)

            @functools.wraps(fun)
            def call(*a, **k):
                out = compiled(*a, **k)
                rep._after_compiled_call()
                return out

            call.lower = getattr(compiled, "lower", None)
            return call

        return jit

    def _apply_updates_wrapper(self, original):
        rep = self

        @functools.wraps(original)
        def apply_updates(*args, **kwargs):
            out = original(*args, **kwargs)
            if rep.in_update == 0 and rep.recording:
                import jax

                # one leaf of the result tells whether this runs inside a jitted step (then count when it runs)
                rep._emit(rep._optax_stepped, jax.tree.leaves(out)[:1])
            return out

        return apply_updates

    def _optax_stepped(self, _values, from_callback: bool = False) -> None:
        self.optax_steps += 1
        if self.optax_steps >= self.max_steps and not self.optimizers:
            self.stop_requested = True
            if not from_callback:
                raise StopProgram("steps")

    def _value_and_grad_wrapper(self, original, aux_position: int | None):
        rep = self

        def value_and_grad(f=_MISSING, *args, **kwargs):
            if f is _MISSING:
                return lambda fn: value_and_grad(fn, *args, **kwargs)
            has_aux = kwargs.get("has_aux", args[aux_position - 1] if aux_position and len(args) >= aux_position
                                 else False)
            inner = original(f, *args, **kwargs)

            @functools.wraps(inner)
            def run(*a, **k):
                out = inner(*a, **k)
                try:
                    loss = out[0][0] if has_aux else out[0]
                except Exception:  # noqa: BLE001 - not a (value, grads) pair we can read
                    return out
                if rep.recording and np.size(loss) == 1:
                    rep._emit(rep._note_loss, loss)
                return out

            return run

        return value_and_grad

    def _note_loss(self, value, from_callback: bool = False) -> None:
        loss = float(np.asarray(value).reshape(()))
        self.last_loss = loss
        self.losses.append(loss)

    def installed(self):
        """A context manager: the patches above, all undone after."""
        import jax
        import optax
        from flax import nnx

        stack = contextlib.ExitStack()

        def patch(owner, attr, new):
            old = getattr(owner, attr)
            setattr(owner, attr, new)
            stack.callback(setattr, owner, attr, old)

        patch(nnx, "jit", self._jit_wrapper(nnx.jit))
        patch(jax, "jit", self._jit_wrapper(jax.jit))
        patch(nnx.Optimizer, "__init__", self._optimizer_init_wrapper(nnx.Optimizer.__init__))
        patch(nnx.Optimizer, "update", self._optimizer_update_wrapper(nnx.Optimizer.update))
        patch(optax, "apply_updates", self._apply_updates_wrapper(optax.apply_updates))
        patch(nnx, "value_and_grad", self._value_and_grad_wrapper(nnx.value_and_grad, None))
        patch(jax, "value_and_grad", self._value_and_grad_wrapper(jax.value_and_grad, 2))
        patch(nnx.Dropout, "__call__", _dropout_off)
        return stack


def _from_callback(record, values) -> None:
    record(values, from_callback=True)


def _state_arrays(module) -> dict:
    """path -> value (array or tracer) of every variable of `module` except RNG state."""
    from flax import nnx

    out = {}
    for path, var in nnx.to_flat_state(nnx.state(module)):
        if isinstance(var, nnx.RngState):
            continue
        value = var.get_value() if hasattr(var, "get_value") else var
        if hasattr(value, "shape"):
            out[".".join(str(p) for p in path)] = value
    return out


def _dropout_off(self, inputs, *args, **kwargs):
    return inputs


def run_translation(source: str, script: str, workdir: str, capture: TorchCapture, store: CaptureStore,
                    max_steps: int, max_seconds: float) -> tuple[JaxRun, Replay]:
    """Run the JAX program in step with `capture`; the run record, and the hooks object for module checks."""
    os.makedirs(workdir, exist_ok=True)
    path = os.path.join(workdir, script)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(source)
    rep = Replay(capture, store, max_steps)
    try:
        code = instrument(source, path, HOOKS, classes=True, functions=False,
                          rewrite_calls=lambda tree: RandomCalls(HOOKS).visit(tree))
    except SyntaxError as exc:
        outcome = RunOutcome("error", 0.0, f"SyntaxError: {exc.msg} (line {exc.lineno})")
    else:
        with rep.installed(), host_initializers():
            outcome = run_program(code, path, {HOOKS: rep}, max_seconds,
                                  on_start=lambda ns: setattr(rep, "namespace", ns))
    rep.recording = False
    rnd = rep.random
    run = JaxRun(path, outcome, outcome.namespace, rep.optimizers, rep.optax_steps, rep.sync_errors, rnd.pos,
                 rnd.diverged, rnd.in_modules, rep.losses, rnd.traced)
    return run, rep
