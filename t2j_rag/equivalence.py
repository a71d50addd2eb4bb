"""Run a PyTorch program and its JAX translation on the same inputs and weights, and compare.

This is the in-process core of the verifier: it imports both sources, builds the
inputs from the PyTorch side's `get_inputs()` / `get_init_inputs()` (`loading`),
moves the weights (`weights.transfer_weights`), runs both and compares every
output (`compare`), and with `grad=True` the gradients too (`gradients`). It
executes arbitrary code, so callers that handle untrusted code must run it in a
child process (see `sandbox`); the corpus tests call it directly on our own pairs.

Outputs may be arrays, scalars, or nested tuples/lists/dicts of them. Integer
and boolean outputs must match exactly, floating ones within rtol/atol.

Example::

    r = check_equivalence(torch_src, jax_src, entry="Model")
    r.passed, r.stage, r.max_abs_err     # (True, "ok", 2.3e-07)
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass

from .compare import CheckFailed, MaxErrors, compare_outputs, user_failure
from .gradients import compare_gradients
from .loading import clone_torch, construct_jax, inputs_from_spec, load_source, make_inputs, to_jax
from .weights import WeightError, transfer_weights

STAGES = ("ok", "parse", "import", "construct", "weights", "runtime", "shape", "dtype", "numeric", "timeout", "memory")
DEFAULT_RTOL = 1e-4
DEFAULT_ATOL = 1e-5


@dataclass
class VerifyResult:
    """Outcome of one comparison. `stage` is where it stopped ("ok" when passed)."""

    passed: bool
    stage: str
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    mismatch_path: str | None = None
    message: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


# --- hiding nothing ---------------------------------------------------------------


def randomize_hidden_defaults(model, seed: int = 0) -> None:
    """Perturb what default initialisation would hide from a comparison.

    Zero biases, norm scales left at one and fresh BatchNorm running statistics
    (mean 0, var 1) make eps, affine and running-stat bugs invisible; after this
    they change the output.
    """
    import torch

    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for p in model.parameters():
            if not p.dtype.is_floating_point or p.numel() == 0:
                continue
            if torch.all(p == 0):
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
            elif torch.all(p == 1):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=gen))
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._NormBase) and m.track_running_stats:
                if m.running_mean is not None:
                    m.running_mean.copy_(0.5 * torch.randn(m.running_mean.shape, generator=gen))
                    m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=gen))


# --- the whole check --------------------------------------------------------------


def check_equivalence(torch_code: str, jax_code: str, entry: str = "Model", rtol: float | None = None,
                      atol: float | None = None, seed: int = 0, train: bool = False, grad: bool = False,
                      spec: dict | None = None) -> VerifyResult:
    """Run both sides and compare; never raises for faults in the compared code.

    `grad` also compares gradients of sum(outputs * fixed random cotangents) with
    respect to the float inputs and the parameters; `spec` replaces get_inputs().
    """
    rtol = DEFAULT_RTOL if rtol is None else rtol
    atol = DEFAULT_ATOL if atol is None else atol
    errs = MaxErrors()
    before = set(sys.modules)
    try:
        _check(torch_code, jax_code, entry, rtol, atol, seed, train, grad, spec, errs)
    except CheckFailed as f:
        return VerifyResult(False, f.stage, errs.max_abs or None, errs.max_rel or None, f.path, f.message)
    except MemoryError:
        return VerifyResult(False, "memory", message="MemoryError")
    finally:
        for name in set(sys.modules) - before:
            if name.startswith("_t2j_"):
                del sys.modules[name]  # the compared programs: let them be freed
    return VerifyResult(True, "ok", errs.max_abs, errs.max_rel, None, "outputs match")


def _check(torch_code, jax_code, entry, rtol, atol, seed, train, grad, spec, errs: MaxErrors) -> None:
    import torch

    tmod = load_source(torch_code, "torch")
    jmod = load_source(jax_code, "jax")
    t_obj = getattr(tmod, entry, None)
    j_obj = getattr(jmod, entry, None)
    if t_obj is None:
        raise CheckFailed("construct", f"the PyTorch side defines no '{entry}'")
    if j_obj is None:
        raise CheckFailed("construct", f"the JAX side defines no '{entry}'")
    inputs, init = inputs_from_spec(spec, seed) if spec is not None else make_inputs(tmod, seed)
    j_inputs = to_jax(inputs)  # converted before the PyTorch run: in-place ops may change inputs

    is_module = isinstance(t_obj, type) and issubclass(t_obj, torch.nn.Module)
    if is_module:
        try:
            torch.manual_seed(seed)
            t_model = t_obj(*init)
            randomize_hidden_defaults(t_model, seed)
            t_model.train(train)
        except Exception as exc:  # noqa: BLE001
            raise user_failure("construct", f"PyTorch {entry}(*get_init_inputs()) failed", exc) from None
        try:
            j_model = construct_jax(j_obj, init, seed)
        except Exception as exc:  # noqa: BLE001
            raise user_failure("construct", f"JAX {entry}(*get_init_inputs()) failed", exc) from None
        try:
            transfer_weights(jmod, t_model, j_model)
        except WeightError as exc:
            raise CheckFailed("weights", f"weight conversion failed: {exc}") from None
        except Exception as exc:  # noqa: BLE001
            raise user_failure("weights", "weight conversion failed", exc) from None
        if hasattr(j_model, "train") and hasattr(j_model, "eval"):
            (j_model.train if train else j_model.eval)()
        t_call, j_call = t_model, j_model
    else:
        t_call, j_call = t_obj, j_obj

    t_inputs = clone_torch(inputs)
    if grad:
        for x in t_inputs:
            if isinstance(x, torch.Tensor) and x.dtype.is_floating_point:
                x.requires_grad_(True)
    try:
        # No torch.no_grad(): function entries may run training steps with autograd.
        expected = t_call(*t_inputs)
    except Exception as exc:  # noqa: BLE001
        raise user_failure("runtime", "PyTorch side failed", exc) from None
    try:
        actual = j_call(*j_inputs)
    except Exception as exc:  # noqa: BLE001
        raise user_failure("runtime", "JAX side failed", exc) from None
    compare_outputs(expected, actual, rtol, atol, "out", errs)
    if grad:
        compare_gradients(t_call, j_call, t_inputs, j_inputs, expected, jmod, is_module, rtol, atol, seed, errs)


def run_job(payload: dict) -> dict:
    """Sandbox handler: `payload` holds check_equivalence's arguments; returns VerifyResult as a dict."""
    keys = ("torch_code", "jax_code", "entry", "rtol", "atol", "seed", "train", "grad", "spec")
    return check_equivalence(**{k: payload[k] for k in keys if k in payload}).to_dict()


def check_entry(entry) -> VerifyResult:
    """Check one corpus pair (a `corpus.Entry` of kind pair or fix)."""
    return check_equivalence(entry.torch_code, entry.jax_code, entry.entry, entry.rtol, entry.atol)


def main(argv: list[str] | None = None) -> int:
    """`python -m t2j_rag.equivalence FILE.md ...`: check corpus pairs, print one line each."""
    from .corpus import parse_entry

    paths = argv if argv is not None else sys.argv[1:]
    failed = 0
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            e = parse_entry(fh.read(), p)
        if e.kind == "note":
            continue
        r = check_entry(e)
        failed += not r.passed
        err = f"max_abs={r.max_abs_err:.2g}" if r.max_abs_err is not None else ""
        print(f"{'PASS' if r.passed else 'FAIL'} {e.id} [{r.stage}] {err} {'' if r.passed else r.message}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
