"""Benchmark the rules engine: translation time per file, and (optionally) how many files verify.

    python scripts/bench_rules.py                       # timing on a synthetic 300-line file + the dev cases
    python scripts/bench_rules.py --verify DIR [DIR...] # also translate+verify every case file under each DIR
    python scripts/bench_rules.py --verify evals/level1 evals/level2 evals/level3 --only 'b5_*'   # one batch
                                                        # (e.g. evals/level1 evals/level2 evals/level3)

A case file is any `*.py` with `get_inputs()` that is not a `*_ref.py` reference. Figures are printed,
never asserted: wall-clock time depends on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from fnmatch import fnmatch
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _translate(path_or_text, name="<bench>"):
    from t2j_rag.rules import translate_unit
    from t2j_rag.units import assemble, read_source, split_source

    sf = split_source(path_or_text, name) if name != "<file>" else read_source(path_or_text)
    results = {u.name: translate_unit(u.source, sf.context) for u in sf.units}
    return sf, results, assemble(sf, {n: r.code for n, r in results.items()})


def synthetic_file(target_lines: int = 300) -> str:
    """Dev-case classes renamed and concatenated until the file has about `target_lines` lines."""
    cases = sorted((ROOT / "tests" / "rules_cases").glob("*.py"))
    header = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
    body, i = [], 0
    while sum(b.count("\n") for b in body) < target_lines:
        text = cases[i % len(cases)].read_text()
        start = text.index("class ")
        end = text.find("\ndef get_inputs")
        body.append(text[start:end].replace("Model", f"Model{i}").replace("BasicBlock", f"BasicBlock{i}"))
        i += 1
    return header + "\n\n".join(body)


def bench_time() -> None:
    from t2j_rag.rules import load_rules

    t0 = time.perf_counter()
    load_rules()
    print(f"rule table load (first call): {1000 * (time.perf_counter() - t0):.1f} ms")
    text = synthetic_file()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        _translate(text)
        times.append(time.perf_counter() - t0)
    print(f"synthetic file, {text.count(chr(10))} lines: median {1000 * statistics.median(times):.1f} ms, "
          f"max {1000 * max(times):.1f} ms over {len(times)} runs")
    for path in sorted((ROOT / "tests" / "rules_cases").glob("*.py")):
        t0 = time.perf_counter()
        _translate(path, "<file>")
        print(f"  {path.name:<24} {1000 * (time.perf_counter() - t0):6.1f} ms")


def bench_verify(dirs: list[str], only: str = "*") -> None:
    from t2j_rag.sandbox import Worker
    from t2j_rag.verify import VerifyOptions, has_inputs, verify_code

    worker = Worker()
    try:
        for d in dirs:
            files = [p for p in sorted(Path(d).glob("*.py")) if not p.stem.endswith("_ref") and fnmatch(p.stem, only)]
            files = [p for p in files if has_inputs(p.read_text())]
            passed = complete = 0
            times = []
            for p in files:
                t0 = time.perf_counter()
                sf, results, code = _translate(p, "<file>")
                times.append(time.perf_counter() - t0)
                todo = [u.construct for r in results.values() for u in r.untranslated]
                complete += not todo
                rep = verify_code(sf.text, code, VerifyOptions(timeout=60), worker)
                passed += rep.passed
                status = "PASS" if rep.passed else f"FAIL {rep.stage}"
                detail = f" todo={todo}" if todo else ("" if rep.passed else f" {rep.message.splitlines()[0][:100]}")
                print(f"  {p.name:<36} {status}{detail}")
            n = len(files) or 1
            print(f"{d}: {passed}/{len(files)} verified ({100 * passed / n:.0f}%), {complete} complete "
                  f"(no TODO), translate median {1000 * statistics.median(times or [0]):.1f} ms/file")
    finally:
        worker.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verify", nargs="*", default=[], help="directories of case files to translate and verify")
    ap.add_argument("--only", default="*", help="with --verify: only cases whose name matches this glob (b5_*)")
    args = ap.parse_args()
    bench_time()
    if args.verify:
        bench_verify(args.verify, args.only)


if __name__ == "__main__":
    main()
