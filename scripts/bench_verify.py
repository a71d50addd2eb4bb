"""Benchmark the verifier: seconds per case for a batch of corpus pairs, cold and warm.

    python scripts/bench_verify.py [--cases N]

cold: every case gets a fresh sandbox worker (process start + torch/jax import + check);
warm: one worker checks the whole batch (the import is paid once, before the first case).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=20, help="how many pairs (every k-th of the corpus)")
    args = ap.parse_args()

    from t2j_rag.corpus import load_corpus
    from t2j_rag.resources import shipped_corpus_dir
    from t2j_rag.sandbox import Limits, Worker
    from t2j_rag.verify import VerifyOptions, verify_code

    pairs = [e for e in load_corpus([shipped_corpus_dir()]) if e.kind == "pair"]
    batch = pairs[:: max(1, len(pairs) // args.cases)][: args.cases]
    print(f"machine: {platform.machine()} {os.cpu_count()} cores; {len(batch)} corpus pairs")

    def opts(e):
        return VerifyOptions(entry=e.entry, rtol=e.rtol, atol=e.atol)

    cold = []
    for e in batch[: min(5, len(batch))]:
        t = time.perf_counter()
        with Worker(Limits(timeout=300)) as w:
            r = verify_code(e.torch_code, e.jax_code, opts(e), w)
        cold.append(time.perf_counter() - t)
        assert r.passed, (e.id, r.message)
    print(f"cold worker: median {statistics.median(cold):.2f} s per case ({len(cold)} cases, includes start-up)")

    t = time.perf_counter()
    with Worker(Limits(timeout=300)) as w:
        startup = time.perf_counter() - t
        warm = []
        for e in batch:
            t = time.perf_counter()
            r = verify_code(e.torch_code, e.jax_code, opts(e), w)
            warm.append(time.perf_counter() - t)
            assert r.passed, (e.id, r.message)
    print(f"warm worker: start-up {startup:.2f} s once, then median {statistics.median(warm):.2f} s per case, "
          f"p95 {sorted(warm)[int(0.95 * (len(warm) - 1))]:.2f} s, total {sum(warm):.1f} s for {len(warm)} cases")


if __name__ == "__main__":
    main()
