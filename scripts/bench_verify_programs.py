"""Benchmark the program check: what capture + checks cost next to running the original alone.

    python scripts/bench_verify_programs.py [--max-steps 20] [--repeat 3] [ORIGINAL.py TRANSLATION.py]

Default pair: tests/programs/bench_classifier.py (a ~200-line training script) and its
hand-written Flax translation. Three figures, each the median over --repeat runs:

- original alone: `python ORIGINAL.py` in a fresh process under the same cap (a step hook
  ends it after --max-steps optimizer steps), interpreter start and torch import included;
- worker start-up: a sandbox worker importing torch, jax and flax;
- capture + checks: one program check in that warm worker (the original run under capture,
  the translation run under replay, the module, training-step and run checks), with its
  split as the job reports it.

The target: capture + checks within 2 x original alone + worker start-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
PRELUDE = textwrap.dedent("""
    import runpy, sys, time
    import torch
    from torch.optim.optimizer import register_optimizer_step_post_hook
    steps = [0]
    def cap(optimizer, args, kwargs):
        steps[0] += 1
        if steps[0] >= {max_steps}:
            raise SystemExit(0)
    register_optimizer_step_post_hook(cap)
    sys.argv = [{path!r}]
    runpy.run_path({path!r}, run_name="__main__")
""")


def original_alone(path: Path, max_steps: int) -> float:
    with tempfile.TemporaryDirectory() as cwd:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", PRELUDE.format(max_steps=max_steps, path=str(path))], cwd=cwd,
                       check=True, stdout=subprocess.DEVNULL, env={**os.environ, "JAX_PLATFORMS": "cpu"})
        return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="ORIGINAL.py TRANSLATION.py (default: the benchmark classifier)")
    ap.add_argument("--max-steps", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    original, translation = ([Path(f) for f in args.files] if args.files else
                             [ROOT / "tests/programs/bench_classifier.py", ROOT / "tests/programs/bench_classifier_jax.py"])

    from t2j_rag.sandbox import Limits, Worker
    from t2j_rag.verify import VerifyOptions, verify_code

    lines = len(original.read_text().splitlines())
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"{original.name} ({lines} lines), cap {args.max_steps} steps")
    alone, startup, check, split = [], [], [], []
    opts = VerifyOptions(max_steps=args.max_steps, timeout=1800, max_seconds=600)
    for _ in range(args.repeat):
        alone.append(original_alone(original, args.max_steps))
        t = time.perf_counter()
        worker = Worker(Limits(timeout=1800))
        startup.append(time.perf_counter() - t)
        with worker:
            t = time.perf_counter()
            report = verify_code(original.read_text(), translation.read_text(), opts, worker)
            check.append(time.perf_counter() - t)
        split.append(report.capture.get("seconds", {}))
        print(f"  run: original alone {alone[-1]:.1f} s, worker start-up {startup[-1]:.1f} s, "
              f"capture + checks {check[-1]:.1f} s {split[-1]} -> {'PASS' if report.passed else 'FAIL'} "
              f"[{report.stage}]")
    a, s, c = statistics.median(alone), statistics.median(startup), statistics.median(check)
    parts = {k: statistics.median(p.get(k, 0.0) for p in split) for k in ("original", "translation", "checks")}
    print(f"original alone under the cap: {a:.1f} s (median of {len(alone)})")
    print(f"worker start-up:              {s:.1f} s")
    print(f"capture + checks:             {c:.1f} s  (original under capture {parts['original']:.1f} s, "
          f"translation under replay {parts['translation']:.1f} s, checks {parts['checks']:.1f} s)")
    print(f"target 2 x original + start-up = {2 * a + s:.1f} s: {'met' if c <= 2 * a + s else 'NOT met'} "
          f"(capture + checks = {c / a:.2f} x original alone)")


if __name__ == "__main__":
    main()
