"""Runtime of a verified translation, jitted JAX vs PyTorch eager, measured inside the sandbox.

`run_job` (the sandbox handler `t2j_rag.evaluation.timing:run_job`) builds both
sides from the case's `get_inputs()` / `get_init_inputs()`, compiles the JAX
forward with `jax.jit` over the split NNX state, warms both up, then times
each on the same inputs: calls are repeated until `min_seconds` have passed
(at least `min_calls`), and the median call is reported. The ratio is
`jax_ms / torch_ms` (below 1: the translation is faster).

PyTorch runs with `torch_threads` intra-op threads (default 1, recorded in
the result). With its default pool (one thread per core) on a busy shared
machine, an op's threads wait for scheduler ticks: LeNet measured 190 ms per
call with 2 threads and 1 ms with 1 on this project's 2-core CI machines,
which would make any ratio meaningless. XLA keeps its defaults (its CPU
thread pool is fixed when jax starts). On a dedicated machine, pass more
threads. The median call, not the mean, is kept because shared machines are
noisy; compilation time is reported apart (`compile_ms`), never mixed into
the call time.
"""

from __future__ import annotations

import statistics
import time

HANDLER = "t2j_rag.evaluation.timing:run_job"


def _median_ms(call, min_seconds: float, min_calls: int, max_calls: int) -> tuple[float, int]:
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_calls and (len(times) < min_calls or time.perf_counter() - start < min_seconds):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000.0, len(times)


def run_job(payload: dict) -> dict:
    """Sandbox handler: {"torch_ms", "jax_ms", "ratio", "compile_ms", "calls"} for one case and translation."""
    import jax
    import torch

    from ..loading import clone_torch, construct_jax, load_source, make_inputs, to_jax

    entry = payload.get("entry") or "Model"
    min_seconds = float(payload.get("min_seconds", 0.3))
    min_calls, max_calls = int(payload.get("min_calls", 3)), int(payload.get("max_calls", 200))
    tmod = load_source(payload["torch_code"], "torch")
    jmod = load_source(payload["jax_code"], "jax")
    inputs, init = make_inputs(tmod, 0)
    t_obj, j_obj = getattr(tmod, entry), getattr(jmod, entry)

    all_j = to_jax(list(inputs))
    # Only arrays are traced; Python scalars among the inputs stay static, as shape arguments must.
    is_array = [isinstance(x, jax.Array) for x in all_j]
    j_inputs = [x for x, a in zip(all_j, is_array) if a]

    def full(arrays):
        it = iter(arrays)
        return [next(it) if a else x for x, a in zip(all_j, is_array)]

    if isinstance(t_obj, type) and issubclass(t_obj, torch.nn.Module):
        from flax import nnx

        t_model = t_obj(*init).eval()
        j_model = construct_jax(j_obj, init, 0)
        if hasattr(j_model, "eval"):
            j_model.eval()
        graphdef, state = nnx.split(j_model)

        def j_forward(state, arrays):
            return nnx.merge(graphdef, state)(*full(arrays))

        jitted = jax.jit(j_forward)
        j_args = (state,)
        t_call = t_model
    else:
        jitted = jax.jit(lambda arrays: j_obj(*full(arrays)))
        j_args = ()
        t_call = t_obj

    def run_jax():
        jax.block_until_ready(jitted(*j_args, j_inputs))

    def run_torch():
        with torch.no_grad():
            t_call(*clone_torch(inputs))

    t0 = time.perf_counter()
    run_jax()  # the first call compiles
    compile_ms = (time.perf_counter() - t0) * 1000.0
    jax_ms, j_calls = _median_ms(run_jax, min_seconds, min_calls, max_calls)
    threads = int(payload.get("torch_threads", 1))
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        run_torch()
        torch_ms, t_calls = _median_ms(run_torch, min_seconds, min_calls, max_calls)
    finally:
        torch.set_num_threads(previous)  # the worker's next verification job gets the usual pool
    return {"torch_ms": torch_ms, "jax_ms": jax_ms, "ratio": jax_ms / torch_ms if torch_ms > 0 else None,
            "compile_ms": compile_ms, "calls": [t_calls, j_calls], "torch_threads": threads}
