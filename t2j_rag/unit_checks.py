"""Module and function checks of a program check: each called unit alone, on what the original fed it.

A module class is rebuilt on the JAX side from its captured constructor arguments,
gets the weights of the PyTorch instance copied at its first call (after
`randomize_hidden_defaults`, as the entry check does), and both run in eval mode on
the captured inputs; random draws the PyTorch forward makes are replayed into the JAX
forward. A function is called on its captured arguments and compared with the result
the original returned (or, when its arguments were too big to keep and had to be
drawn, with the original run again on the drawn ones). Comparison, stages and
`--grad` are the entry check's own (`equivalence`), so a unit fails here exactly as
it would as an entry with a written spec; the trade-off is that a unit is only as
covered as the program's own first call of it.
"""

from __future__ import annotations

import copy
import inspect
import types

from .compare import CheckFailed, MaxErrors, compare_outputs, user_failure
from .equivalence import randomize_hidden_defaults
from .program_report import UnitCheck


def _accepts(fn, name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _with_rngs(fn, kwargs: dict, seed: int) -> dict:
    """Add `rngs=nnx.Rngs(seed)` when the JAX side takes it and the original's call did not pass it."""
    if "rngs" in kwargs:
        return kwargs
    target = fn.__init__ if isinstance(fn, type) else fn
    if not _accepts(target, "rngs"):
        return kwargs
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        params = {}
    if "rngs" not in params:
        return kwargs
    from flax import nnx

    return {**kwargs, "rngs": nnx.Rngs(seed)}


def check_module(mc, cap, rec, jrun, rep, opts: dict) -> UnitCheck:
    from .captured import describe, drawn_refs
    from .program_exec import StopProgram, TimeLimit
    u = UnitCheck(mc.name, "module", "not called")
    if not mc.called:
        return u
    u.mode, u.output = mc.mode, mc.output
    if mc.init is not None:
        u.init = describe(mc.init)
    if mc.inputs is not None:
        u.inputs = describe(mc.inputs)
        u.drawn = drawn_refs(mc.inputs, "inputs")
    if mc.skip:
        u.verdict, u.message = "skipped", mc.skip
        return u
    errs = MaxErrors()
    try:
        with TimeLimit(opts["check_seconds"]):
            _compare_module(mc, cap, rec, jrun, rep, opts, errs)
    except CheckFailed as f:
        u.verdict, u.stage, u.message, u.mismatch_path = "failed", f.stage, f.message, f.path
    except StopProgram:
        u.verdict, u.stage, u.message = "failed", "timeout", f"the check took more than {opts['check_seconds']:g} s"
    except MemoryError:
        u.verdict, u.stage, u.message = "failed", "memory", "MemoryError"
    else:
        u.verdict = "passed"
    u.max_abs_err = errs.max_abs if (errs.max_abs or u.verdict == "passed") else None
    return u


def _missing(name: str, what: str, jrun) -> "Exception":
    if jrun.outcome.status in ("error", "memory") and name not in jrun.namespace:
        return CheckFailed("import", f"the JAX program stopped before defining {what} {name}: {jrun.outcome.message}")
    return CheckFailed("construct", f"the JAX program defines no {what} {name}")


def _compare_module(mc, cap, rec, jrun, rep, opts, errs) -> None:
    import torch

    from .captured import thaw
    from .replay import convert_into
    from .weights import WeightError
    jns, tns, store = jrun.namespace, cap.outcome.namespace, cap.store
    jcls = jns.get(mc.name)
    if not isinstance(jcls, type):
        raise _missing(mc.name, "class", jrun)
    (init_args, init_kwargs), (in_args, in_kwargs) = mc.init, mc.inputs
    j_init_args, j_init_kwargs = thaw(init_args, store, "jax", jns), thaw(init_kwargs, store, "jax", jns)
    try:
        jm = jcls(*j_init_args, **_with_rngs(jcls, j_init_kwargs, opts["seed"]))
    except Exception as exc:  # noqa: BLE001
        raise user_failure("construct", f"JAX {mc.name}(*captured constructor arguments) failed", exc) from None
    tm = copy.deepcopy(mc.snapshot)
    randomize_hidden_defaults(tm, opts["seed"])
    tm.eval()
    try:
        convert_into(tm, jm, jns)
    except WeightError as exc:
        raise CheckFailed("weights", f"weight conversion failed: {exc}") from None
    except Exception as exc:  # noqa: BLE001
        raise user_failure("weights", "weight conversion failed", exc) from None
    if hasattr(jm, "eval"):
        jm.eval()
    t_args, t_kwargs = thaw(in_args, store, "torch", tns), thaw(in_kwargs, store, "torch", tns)
    j_args, j_kwargs = thaw(in_args, store, "jax", jns), thaw(in_kwargs, store, "jax", jns)
    grad = opts["grad"] and not in_kwargs
    if grad:
        for x in t_args:
            if isinstance(x, torch.Tensor) and x.dtype.is_floating_point:
                x.requires_grad_(True)
    with torch.set_grad_enabled(grad), rec.session_draws():
        try:
            expected = tm(*t_args, **t_kwargs)
        except Exception as exc:  # noqa: BLE001
            raise user_failure("runtime", "PyTorch side failed on the captured inputs", exc) from None
        draws = list(rec.session)
    with rep.session_replay(draws):
        try:
            actual = jm(*j_args, **j_kwargs)
        except Exception as exc:  # noqa: BLE001
            raise user_failure("runtime", "JAX side failed on the captured inputs", exc) from None
    compare_outputs(expected, actual, opts["rtol"], opts["atol"], "out", errs)
    if grad:
        from .gradients import compare_gradients

        hooks = types.SimpleNamespace(convert_weights=jns.get("convert_weights"))
        with rep.session_replay(draws):
            compare_gradients(tm, jm, list(t_args), list(j_args), expected, hooks, True, opts["rtol"], opts["atol"],
                              opts["seed"], errs)


def check_function(fc, cap, rec, jrun, rep, opts: dict) -> UnitCheck:
    from .captured import describe, drawn_refs
    from .program_exec import StopProgram, TimeLimit
    u = UnitCheck(fc.name, "function", "not called")
    if not fc.called:
        return u
    if fc.args is not None:
        u.inputs = describe(fc.args)
        u.drawn = drawn_refs(fc.args, "arguments")
    if fc.result is not None:
        u.output = describe(fc.result)
    if fc.skip:
        u.verdict, u.message = "skipped", fc.skip
        return u
    if u.drawn and fc.draws[1] > fc.draws[0]:
        u.verdict, u.message = "skipped", "its arguments were too big to keep and it draws random numbers"
        return u
    errs = MaxErrors()
    try:
        with TimeLimit(opts["check_seconds"]):
            _compare_function(fc, cap, jrun, rep, opts, errs, bool(u.drawn))
    except CheckFailed as f:
        u.verdict, u.stage, u.message, u.mismatch_path = "failed", f.stage, f.message, f.path
    except StopProgram:
        u.verdict, u.stage, u.message = "failed", "timeout", f"the check took more than {opts['check_seconds']:g} s"
    except MemoryError:
        u.verdict, u.stage, u.message = "failed", "memory", "MemoryError"
    else:
        u.verdict = "passed"
    u.max_abs_err = errs.max_abs if (errs.max_abs or u.verdict == "passed") else None
    return u


def _compare_function(fc, cap, jrun, rep, opts, errs, drawn: bool) -> None:
    from .captured import thaw
    jns, tns, store = jrun.namespace, cap.outcome.namespace, cap.store
    jfn = jns.get(fc.name)
    if not callable(jfn):
        raise _missing(fc.name, "function", jrun)
    args, kwargs = fc.args
    if drawn:  # the recorded result belongs to values we did not keep: run the original again
        try:
            expected = tns[fc.name](*thaw(args, store, "torch", tns), **thaw(kwargs, store, "torch", tns))
        except Exception as exc:  # noqa: BLE001
            raise user_failure("runtime", "PyTorch side failed on the drawn arguments", exc) from None
    else:
        expected = thaw(fc.result, store, "numpy")
    j_args, j_kwargs = thaw(args, store, "jax", jns), thaw(kwargs, store, "jax", jns)
    with rep.session_replay(cap.draws[fc.draws[0]:fc.draws[1]]):
        try:
            actual = jfn(*j_args, **_with_rngs(jfn, j_kwargs, opts["seed"]))
        except Exception as exc:  # noqa: BLE001
            raise user_failure("runtime", "JAX side failed on the captured arguments", exc) from None
    compare_outputs(expected, actual, opts["rtol"], opts["atol"], "out", errs)
