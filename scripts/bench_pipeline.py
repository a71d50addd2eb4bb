"""Benchmark the retrieval pipeline and print the figures the README quotes.

    python scripts/bench_pipeline.py [--index-dir DIR] [--repeats N]

Prints: full index build throughput (entries/s, model load excluded and shown
apart), the incremental no-op rebuild time, warm retrieval latency per unit
(p50/p95 over every unit of examples/*.py, repeated), and the start-up time of
`t2j-rag --help` (median of several runs). Figures depend on the machine; the
script prints what it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()

    from t2j_rag.embed import Embedder
    from t2j_rag.index import build_index, load_index
    from t2j_rag.resources import shipped_corpus_dir
    from t2j_rag.retrieve import Retriever
    from t2j_rag.units import read_source

    print(f"machine: {platform.machine()} {os.cpu_count()} cores, python {platform.python_version()}")
    t = time.perf_counter()
    embedder = Embedder()
    embedder.encode(["load"])
    print(f"embedding model load: {time.perf_counter() - t:.2f} s")

    with tempfile.TemporaryDirectory() as d:
        s = build_index([shipped_corpus_dir()], d, progress=False, embedder=embedder)
        print(f"full build: {s.entries} entries in {s.seconds:.2f} s = {s.entries / s.seconds:.1f} entries/s")
        noop = [build_index([shipped_corpus_dir()], d, progress=False, embedder=embedder).seconds for _ in range(5)]
        print(f"incremental no-op rebuild: median {statistics.median(noop) * 1000:.1f} ms (5 runs)")

        retriever = Retriever(load_index(d), embedder)
        units = [u for f in sorted((ROOT / "examples").glob("*.py")) if not f.name.endswith("_jax.py")
                 for u in read_source(f).units]
        retriever.search(units[0].source, units[0].apis)  # warm
        lat = []
        for _ in range(args.repeats):
            for u in units:
                t = time.perf_counter()
                retriever.search(u.source, u.apis, k=4)
                lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        print(f"retrieval latency per unit (warm, {len(lat)} queries): p50 {statistics.median(lat):.1f} ms, p95 {p95:.1f} ms")

    runs = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "t2j_rag.cli", "--help"], check=True, capture_output=True)
        runs.append(time.perf_counter() - t)
    print(f"t2j-rag --help start-up: median {statistics.median(runs) * 1000:.0f} ms (5 runs)")


if __name__ == "__main__":
    main()
