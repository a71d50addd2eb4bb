"""Run the PyTorch original with recording hooks: what its modules, functions and optimizers saw.

`run_original` executes the program (see `program_exec`) with every top-level class
and function decorated by a `TorchRecorder`, and with a few library patches in place
for the duration of the run only:

- modules: for every `nn.Module` subclass of the file, the constructor arguments of
  each instance (copied before the constructor runs), and on the first forward call
  of the class: a deep copy of the instance, its inputs (values), its mode and a
  summary of its output. Root instances (built with no other file module under
  construction) are also copied right after construction, so the JAX run can start
  from the same weights;
- functions: arguments and result of the first call of every top-level function;
- training: each `torch.optim.Optimizer` (class, hyper-parameters, the module it
  trains and a copy of it at that moment), and after every `step()` the loss last
  passed to `backward()`, the trained module's state and the batch it saw;
- randomness: every draw made by the program's own code (or by a DataLoader's
  sampler) outside file-module constructors, standardised (`randn` -> z, `rand` -> u,
  `normal(m, s)` -> (x - m) / s, integers and permutations as they are) so the JAX
  run can replay it;
- dropout is off (identity) and DataLoader workers are forced to 0: steps must be
  deterministic to compare, and forking inside the worker can hang.

The cap (`max_steps` optimizer steps) is a `StopProgram` raised from the step hook
after recording, so it never changes what was captured before it. The trade-off of
hooking by decoration and patching, rather than tracing: it sees only what passes
through the file's own classes, functions and the patched entry points, and nothing
that a program does through other routes (e.g. `Tensor.exponential_`).
"""

from __future__ import annotations

import copy
import functools
import os
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .captured import CaptureStore, Unsupported, freeze, has_arrays, summarize, to_numpy
from .program_exec import RunOutcome, StopProgram, instrument, run_program

HOOKS = "__t2j_capture__"
MAX_ROOTS = 16  # root instances per class kept for weight sync
RANDOM_FUNCTIONS = {"randn": "normal", "randn_like": "normal", "normal": "normal", "rand": "uniform",
                    "rand_like": "uniform", "randint": "randint", "randint_like": "randint",
                    "randperm": "permutation", "bernoulli": "bernoulli", "multinomial": "categorical"}
RANDOM_METHODS = {"normal_": "normal", "uniform_": "uniform", "bernoulli_": "bernoulli"}
DROPOUTS = ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout")
_DATA_DIR = os.sep + os.path.join("torch", "utils", "data") + os.sep


@dataclass
class ModuleCapture:
    name: str
    called: bool = False
    skip: str | None = None  # why the class cannot be checked standalone
    init: Any = None  # frozen (args, kwargs) of the constructor of the called instance
    inputs: Any = None  # frozen (args, kwargs) of its first forward call
    snapshot: Any = None  # deep copy of the instance right before that call
    mode: str = "eval"
    output: str = ""
    draws: tuple = (0, 0)  # indices of the random draws made during that call


@dataclass
class FunctionCapture:
    name: str
    called: bool = False
    skip: str | None = None
    args: Any = None  # frozen (args, kwargs)
    result: Any = None
    draws: tuple = (0, 0)


@dataclass
class Draw:
    kind: str  # normal | uniform | randint | permutation | bernoulli | categorical
    source: str  # the torch function that made it
    shape: tuple
    ref: Any  # ArrayRef of the standardised values (its key is None when over the capture budget)
    in_module: bool  # made inside a file module's forward


@dataclass
class StepCapture:
    loss: float | None
    state: dict | None  # state_dict name -> ArrayRef after the step; None when over the budget
    batch: str = ""
    fingerprint: list | None = None
    draws: int = 0  # random draws recorded before this step


@dataclass
class OptimizerCapture:
    cls_name: str
    hyper: dict
    owner_name: str | None = None  # class of the module whose parameters it updates
    owner: Any = None  # deep copy of that module when the optimizer was built
    live: Any = field(default=None, repr=False)
    steps: list = field(default_factory=list)
    pending_batch: str | None = None
    pending_fingerprint: list | None = None


@dataclass
class TorchCapture:
    """Everything the original run left for the checks."""

    path: str
    modules: dict
    functions: dict
    roots: dict  # class name -> deep copies of its root instances, in construction order
    optimizers: list
    draws: list
    notes: list
    outcome: RunOutcome
    store: CaptureStore


def fingerprint(args) -> list:
    """(shape, sum, sum of absolute values) of each array argument: enough to tell two batches apart."""
    out = []
    for a in args if isinstance(args, (list, tuple)) else [args]:
        if hasattr(a, "shape") and hasattr(a, "dtype"):
            try:
                v = np.asarray(a.detach().cpu() if hasattr(a, "detach") else a, dtype=np.float64)
            except (TypeError, ValueError, RuntimeError):
                continue
            out.append((list(v.shape), float(v.sum()), float(np.abs(v).sum())))
    return out


def hyper_parameters(optimizer) -> dict:
    """The first param group's settings (learning rate, betas, weight decay ...) as plain JSON values."""
    group = optimizer.param_groups[0] if optimizer.param_groups else {}
    out = {}
    for k, v in group.items():
        if k == "params":
            continue
        if hasattr(v, "item") and getattr(v, "numel", lambda: 1)() == 1:
            v = v.item()
        if isinstance(v, tuple):
            v = list(v)
        if v is None or isinstance(v, (bool, int, float, str)) or (
                isinstance(v, list) and all(isinstance(x, (int, float)) for x in v)):
            out[k] = v
    return out


class TorchRecorder:
    """The hooks object the instrumented original calls (`__t2j_capture__`), and the patches it needs."""

    def __init__(self, path: str, store: CaptureStore, max_steps: int):
        self.path, self.store, self.max_steps = path, store, max_steps
        self.recording = True
        self.modules: dict[str, ModuleCapture] = {}
        self.functions: dict[str, FunctionCapture] = {}
        self.roots: dict[str, list] = {}
        self.live_roots: list = []
        self.optimizers: list[OptimizerCapture] = []
        self.draws: list[Draw] = []
        self.notes: list[str] = []
        self.session: list | None = None  # draws of a module check (recorded regardless of the stream)
        self.init_by_id: dict[int, Any] = {}
        self.ctor_depth = 0
        self.forward_depth = 0
        self.last_loss: float | None = None
        self._opt_by_id: dict[int, OptimizerCapture] = {}
        self._opt_by_owner: dict[int, list] = {}
        self._in_function: set[str] = set()
        self._dropout_seen = False

    # ------------------------------------------------------------------ decorators

    def module_class(self, cls):
        import torch

        if not (isinstance(cls, type) and issubclass(cls, torch.nn.Module)):
            return cls
        name = cls.__name__
        mc = self.modules.setdefault(name, ModuleCapture(name))
        own_init, own_forward = cls.__dict__.get("__init__"), cls.__dict__.get("forward")
        rec = self

        def call_init(obj, args, kwargs):
            if own_init is not None:
                return own_init(obj, *args, **kwargs)
            return super(cls, obj).__init__(*args, **kwargs)

        def call_forward(obj, args, kwargs):
            if own_forward is not None:
                return own_forward(obj, *args, **kwargs)
            return super(cls, obj).forward(*args, **kwargs)

        def __init__(obj, *args, **kwargs):
            if type(obj) is not cls or not rec.recording:
                return call_init(obj, args, kwargs)
            try:
                rec.init_by_id[id(obj)] = freeze((args, kwargs), rec.store, f"{name} constructor argument")
            except Unsupported as u:
                rec.init_by_id[id(obj)] = u
            rec.ctor_depth += 1
            try:
                call_init(obj, args, kwargs)
            finally:
                rec.ctor_depth -= 1
            if rec.ctor_depth == 0:
                rec._root_built(name, obj)

        def forward(obj, *args, **kwargs):
            rec.forward_depth += 1
            try:
                if type(obj) is cls and rec.recording and not mc.called:
                    return rec._first_forward(mc, obj, args, kwargs, call_forward)
                return call_forward(obj, args, kwargs)
            finally:
                rec.forward_depth -= 1

        if own_init is not None:
            functools.update_wrapper(__init__, own_init)
        if own_forward is not None:
            functools.update_wrapper(forward, own_forward)
        cls.__init__ = __init__
        cls.forward = forward
        return cls

    def function(self, name: str):
        def decorate(fn):
            if not callable(fn) or isinstance(fn, type):
                return fn
            fc = self.functions.setdefault(name, FunctionCapture(name))
            rec = self

            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                if fc.called or not rec.recording or name in rec._in_function:
                    return fn(*args, **kwargs)
                return rec._first_call(fc, fn, args, kwargs)

            return wrapper

        return decorate

    def _root_built(self, name: str, obj) -> None:
        kept = self.roots.setdefault(name, [])
        if len(kept) < MAX_ROOTS:
            try:
                kept.append(copy.deepcopy(obj))
            except Exception:  # noqa: BLE001 - a module holding something uncopyable: no weight sync for it
                kept.append(None)
            self.live_roots.append(obj)

    def _first_forward(self, mc: ModuleCapture, obj, args, kwargs, call):
        mc.called = True
        init = self.init_by_id.get(id(obj))
        if isinstance(init, Unsupported):
            mc.skip = f"constructor argument of type {init.kind}"
        elif init is None:
            mc.skip = "constructed before the capture started"
        mc.init = None if mc.skip else init
        try:
            mc.inputs = freeze((args, kwargs), self.store, f"{mc.name} input")
        except Unsupported as u:
            mc.skip = mc.skip or f"input of type {u.kind}"
        if not mc.skip:
            try:
                mc.snapshot = copy.deepcopy(obj)
            except Exception as exc:  # noqa: BLE001
                mc.skip = f"the module cannot be copied ({type(exc).__name__}: {str(exc)[:100]})"
        mc.mode = "train" if obj.training else "eval"
        start = len(self.draws)
        out = call(obj, args, kwargs)
        mc.draws = (start, len(self.draws))
        mc.output = summarize(out)
        return out

    def _first_call(self, fc: FunctionCapture, fn, args, kwargs):
        fc.called = True
        try:
            frozen = freeze((args, kwargs), self.store, f"{fc.name} argument")
        except Unsupported as u:
            fc.skip = f"takes a {u.kind}"
            frozen = None
        start = len(self.draws)
        self._in_function.add(fc.name)
        try:
            result = fn(*args, **kwargs)
        except StopProgram:
            fc.skip = fc.skip or "the cap stopped the program during its first call"
            raise
        except BaseException as exc:
            fc.skip = fc.skip or f"its first call raised {type(exc).__name__}"
            raise
        finally:
            self._in_function.discard(fc.name)
            fc.draws = (start, len(self.draws))
        if fc.skip is None:
            try:
                fc.args, fc.result = frozen, freeze(result, self.store, f"{fc.name} result")
            except Unsupported as u:
                fc.skip = f"returns a {u.kind}"
            else:
                if not has_arrays(fc.args) and not has_arrays(fc.result):
                    fc.skip = "no array in its arguments or result"
        return result

    # ------------------------------------------------------------------ patches

    def installed(self):
        """A context manager: every patch and hook in place for the run, all undone after."""
        import contextlib

        import torch
        import torch.nn.functional as F
        from torch.nn.modules.module import register_module_forward_pre_hook
        from torch.optim.optimizer import register_optimizer_step_post_hook

        stack = contextlib.ExitStack()
        patch = functools.partial(_patch, stack)
        self._random_patches(stack)
        for name in DROPOUTS:
            patch(F, name, self._dropout_off)
        patch(torch.Tensor, "backward", self._backward_wrapper(torch.Tensor.backward))
        patch(torch.optim.Optimizer, "__init__", self._optimizer_init_wrapper(torch.optim.Optimizer.__init__))
        loader = torch.utils.data.DataLoader
        patch(loader, "__init__", self._loader_init_wrapper(loader.__init__))
        sampler = torch.utils.data.RandomSampler
        patch(sampler, "__iter__", self._sampler_iter_wrapper(sampler.__iter__))
        stack.callback(register_optimizer_step_post_hook(self._after_step).remove)
        stack.callback(register_module_forward_pre_hook(self._before_forward).remove)
        stack.callback(torch.set_grad_enabled, torch.is_grad_enabled())
        stack.callback(torch.set_default_dtype, torch.get_default_dtype())
        return stack

    def _random_patches(self, stack) -> None:
        import torch
        import torch.utils.data.dataset as data_dataset

        for name, kind in RANDOM_FUNCTIONS.items():
            _patch(stack, torch, name, self._draw_wrapper(getattr(torch, name), name, kind, method=False))
        if hasattr(data_dataset, "randperm"):
            _patch(stack, data_dataset, "randperm",
                   self._draw_wrapper(data_dataset.randperm, "randperm", "permutation", False))
        for name, kind in RANDOM_METHODS.items():
            _patch(stack, torch.Tensor, name, self._draw_wrapper(getattr(torch.Tensor, name), name, kind, method=True))

    def session_draws(self):
        """A context manager for a module check: the random patches again, recording every draw
        the program's code makes into a fresh `self.session` list."""
        import contextlib

        stack = contextlib.ExitStack()
        self._random_patches(stack)
        self.session = []
        stack.callback(setattr, self, "session", None)
        return stack

    def _from_program(self, frame) -> bool:
        filename = frame.f_code.co_filename
        return filename == self.path or _DATA_DIR in filename

    def _draw_wrapper(self, original, name: str, kind: str, method: bool):
        rec = self

        @functools.wraps(original)
        def draw(*args, **kwargs):
            out = original(*args, **kwargs)
            if rec.session is not None or (rec.recording and rec.ctor_depth == 0):
                if rec._from_program(sys._getframe(1)):
                    rec._record_draw(name, kind, args, kwargs, out, method)
            return out

        return draw

    def _record_draw(self, name, kind, args, kwargs, out, method) -> None:
        import torch

        if not isinstance(out, torch.Tensor):
            return
        t = out.detach()
        rest = args[1:] if method else args
        if kind == "normal" and name in ("normal", "normal_"):
            mean = rest[0] if rest else kwargs.get("mean", 0.0)
            std = rest[1] if len(rest) > 1 else kwargs.get("std", 1.0)
            t = (t.double() - mean) / std
        elif kind == "uniform" and method:
            low = rest[0] if rest else kwargs.get("from", 0.0)
            high = rest[1] if len(rest) > 1 else kwargs.get("to", 1.0)
            t = (t.double() - low) / (high - low)
        if t.dtype == torch.float64 and out.dtype != torch.float64:
            t = t.to(out.dtype if out.dtype.is_floating_point else torch.float32)
        values, dtype_name = to_numpy(t)
        index = len(self.session if self.session is not None else self.draws)
        ref = self.store.put(values, f"random draw {index} (torch.{name})", dtype_name)
        d = Draw(kind, name, tuple(out.shape), ref, self.forward_depth > 0)
        (self.session if self.session is not None else self.draws).append(d)

    def _dropout_off(self, input, *args, **kwargs):
        p = args[0] if args else kwargs.get("p", 0.5)
        training = args[1] if len(args) > 1 else kwargs.get("training", True)
        if training and p and not self._dropout_seen:
            self._dropout_seen = True
            self.notes.append("dropout was switched off in both runs (training steps must be deterministic to compare)")
        return input

    def _backward_wrapper(self, original):
        rec = self

        @functools.wraps(original)
        def backward(tensor, *args, **kwargs):
            if rec.recording and tensor.numel() == 1:
                rec.last_loss = float(tensor.detach().float())
            return original(tensor, *args, **kwargs)

        return backward

    def _loader_init_wrapper(self, original):
        rec = self

        @functools.wraps(original)
        def __init__(loader, *args, **kwargs):
            if kwargs.get("num_workers", 0):
                kwargs["num_workers"] = 0
                kwargs.pop("persistent_workers", None)
                kwargs.pop("prefetch_factor", None)
                if "DataLoader workers were set to 0 (no subprocesses in the sandbox)" not in rec.notes:
                    rec.notes.append("DataLoader workers were set to 0 (no subprocesses in the sandbox)")
            return original(loader, *args, **kwargs)

        return __init__

    def _sampler_iter_wrapper(self, original):
        """RandomSampler draws one more permutation when an epoch ends (for a remainder it then
        slices to nothing); a draw made by the call that ends the iteration fed no batch, so it
        is taken out of the stream again."""
        rec = self

        @functools.wraps(original)
        def __iter__(sampler):
            inner = original(sampler)
            while True:
                before = len(rec.draws)
                try:
                    value = next(inner)
                except StopIteration:
                    del rec.draws[before:]
                    return
                yield value

        return __iter__

    def _optimizer_init_wrapper(self, original):
        rec = self

        @functools.wraps(original)
        def __init__(opt, *args, **kwargs):
            original(opt, *args, **kwargs)
            if rec.recording:
                rec._optimizer_built(opt)

        return __init__

    def _optimizer_built(self, opt) -> None:
        oc = OptimizerCapture(type(opt).__name__, hyper_parameters(opt))
        owner = self._find_owner(opt)
        if owner is not None:
            oc.owner_name, oc.live = type(owner).__name__, owner
            try:
                oc.owner = copy.deepcopy(owner)
            except Exception:  # noqa: BLE001
                oc.owner = None
            self._opt_by_owner.setdefault(id(owner), []).append(oc)
        self._opt_by_id[id(opt)] = oc
        self.optimizers.append(oc)

    def _find_owner(self, opt):
        """The smallest module, among the file's root instances and the modules the program's
        frames hold, whose parameters include every parameter the optimizer updates."""
        import torch

        wanted = {id(p) for g in opt.param_groups for p in g["params"]}
        candidates = list(self.live_roots)
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename == self.path:
                for scope in (frame.f_locals, frame.f_globals):
                    candidates += [v for v in list(scope.values()) if isinstance(v, torch.nn.Module)]
            frame = frame.f_back
        best, best_size = None, None
        for c in candidates:
            have = {id(p) for p in c.parameters()}
            if wanted <= have and (best is None or len(have) < best_size):
                best, best_size = c, len(have)
        return best

    def _before_forward(self, module, inputs) -> None:
        for oc in self._opt_by_owner.get(id(module), ()):
            if oc.pending_batch is None and self.recording:
                oc.pending_batch, oc.pending_fingerprint = summarize(inputs), fingerprint(inputs)

    def _after_step(self, opt, args, kwargs) -> None:
        oc = self._opt_by_id.get(id(opt))
        if oc is None or not self.recording:
            return
        state = None
        if oc.live is not None:
            try:
                arrays = {k: to_numpy(v) for k, v in oc.live.state_dict().items() if hasattr(v, "detach")}
            except Unsupported:
                arrays = {}
            if arrays and self.store.fits(sum(a.nbytes for a, _ in arrays.values())):
                state = {k: self.store.put(a, f"state after step {len(oc.steps) + 1}", n) for k, (a, n) in arrays.items()}
            elif not any("over --capture-mb" in n for n in self.notes):
                self.notes.append(f"{oc.cls_name}: module state after step {len(oc.steps) + 1} and later not kept "
                                  "(over --capture-mb); those steps compare losses only")
        oc.steps.append(StepCapture(self.last_loss, state, oc.pending_batch or "", oc.pending_fingerprint,
                                    len(self.draws)))
        oc.pending_batch = oc.pending_fingerprint = None
        if len(oc.steps) >= self.max_steps:
            raise StopProgram("steps")

    def result(self, outcome: RunOutcome) -> TorchCapture:
        for oc in self.optimizers:
            oc.live = None
        self.live_roots.clear()
        return TorchCapture(self.path, self.modules, self.functions, self.roots, self.optimizers, self.draws,
                            self.notes, outcome, self.store)


def _patch(stack, owner, attr: str, new) -> None:
    """Set `owner.attr = new` until `stack` closes (an attribute inherited from a base is deleted again)."""
    own = isinstance(owner, type) and attr in owner.__dict__
    old = owner.__dict__[attr] if own else getattr(owner, attr)
    setattr(owner, attr, new)
    if own or not isinstance(owner, type):
        stack.callback(setattr, owner, attr, old)
    else:
        stack.callback(delattr, owner, attr)


def run_original(source: str, script: str, workdir: str, store: CaptureStore, max_steps: int, max_seconds: float,
                 seed: int = 0) -> tuple[TorchCapture, TorchRecorder]:
    """Run the PyTorch program under the recorder; the capture, and the recorder for later module checks."""
    import torch

    os.makedirs(workdir, exist_ok=True)
    path = os.path.join(workdir, script)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(source)
    rec = TorchRecorder(path, store, max_steps)
    try:
        code = instrument(source, path, HOOKS, classes=True, functions=True)
    except SyntaxError as exc:
        rec.recording = False
        return rec.result(RunOutcome("error", 0.0, f"SyntaxError: {exc.msg} (line {exc.lineno})")), rec
    torch.manual_seed(seed)
    with rec.installed():
        outcome = run_program(code, path, {HOOKS: rec}, max_seconds)
    rec.recording = False
    return rec.result(outcome), rec
