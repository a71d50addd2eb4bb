"""Aggregate evaluation records: pass rates with bootstrap confidence intervals, and retrieval gains.

Pass rates come with a percentile bootstrap interval (resampling cases with
replacement, `N_BOOT` times, fixed seed so a report is reproducible). The
gain of a retrieval variant over its baseline (the same configuration with
retrieval "none") is paired: both are run on the same cases, so the bootstrap
resamples cases and takes the mean difference of their pass indicators, which
is much tighter than comparing two independent intervals.

Only records with status "done" count; "skipped" and "error" pairs are
reported apart, with their reasons, never as failures. The trade-off: with a
few dozen cases the intervals are wide (that is the honest answer), and the
bootstrap is approximate for rates near 0 or 1.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

N_BOOT = 2000
ALPHA = 0.05


@dataclass
class Rate:
    n: int
    passed: int
    rate: float | None
    lo: float | None
    hi: float | None


@dataclass
class ConfigSummary:
    config: str
    fields: dict
    overall: Rate
    by_level: dict[str, Rate]
    prompt_tokens: float | None = None  # mean per case
    output_tokens: float | None = None
    seconds: float | None = None  # mean wall time per case
    codebleu: float | None = None  # mean over cases with a reference
    runtime_ratio: float | None = None  # median over verified cases with a timing
    skipped: int = 0
    errors: int = 0
    reasons: list[str] = field(default_factory=list)


@dataclass
class Gain:
    variant: str
    baseline: str
    retrieval: str
    n: int
    delta: float | None
    lo: float | None
    hi: float | None


def bootstrap_rate(values: list[bool], n_boot: int = N_BOOT, alpha: float = ALPHA, seed: int = 0) -> Rate:
    n = len(values)
    if n == 0:
        return Rate(0, 0, None, None, None)
    x = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return Rate(n, int(x.sum()), float(x.mean()), float(lo), float(hi))


def paired_gain(variant: dict[str, bool], baseline: dict[str, bool], n_boot: int = N_BOOT, alpha: float = ALPHA,
                seed: int = 0) -> tuple[int, float | None, float | None, float | None]:
    """(cases in common, mean of variant - baseline, CI low, CI high) over the cases both ran."""
    common = sorted(set(variant) & set(baseline))
    if not common:
        return 0, None, None, None
    d = np.array([float(variant[c]) - float(baseline[c]) for c in common])
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, len(d), size=(n_boot, len(d)))].mean(axis=1)
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return len(common), float(d.mean()), float(lo), float(hi)


def _mean(xs: list) -> float | None:
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def summarize(records: list[dict], config_order: list[str] | None = None) -> list[ConfigSummary]:
    by_config: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_config[r["config"]].append(r)
    order = [c for c in (config_order or []) if c in by_config] + sorted(set(by_config) - set(config_order or []))
    out = []
    for cid in order:
        recs = by_config[cid]
        done = [r for r in recs if r.get("status") == "done"]
        levels: dict[str, list[bool]] = defaultdict(list)
        for r in done:
            levels[r.get("level", "-")].append(bool(r.get("verified")))
        ratios = [r["runtime_ratio"] for r in done if r.get("verified") and r.get("runtime_ratio")]
        first = recs[0]
        out.append(ConfigSummary(
            cid, {k: first.get(k) for k in ("backend", "model", "format", "retrieval", "k", "repair", "draft")},
            bootstrap_rate([bool(r.get("verified")) for r in done]),
            {lvl: bootstrap_rate(v) for lvl, v in sorted(levels.items())},
            _mean([r.get("prompt_tokens") for r in done]), _mean([r.get("output_tokens") for r in done]),
            _mean([r.get("seconds") for r in done]),
            _mean([(r.get("codebleu") or {}).get("score") for r in done]),
            statistics.median(ratios) if ratios else None,
            sum(r.get("status") == "skipped" for r in recs), sum(r.get("status") == "error" for r in recs),
            sorted({r.get("reason") for r in recs if r.get("status") != "done" and r.get("reason")})))
    return out


def retrieval_gains(records: list[dict]) -> list[Gain]:
    """Each retrieval variant against the same configuration without retrieval, paired by case."""
    verdicts: dict[str, dict[str, bool]] = defaultdict(dict)
    fields: dict[str, dict] = {}
    for r in records:
        if r.get("status") == "done":
            verdicts[r["config"]][r["case"]] = bool(r.get("verified"))
            fields[r["config"]] = r

    def key(f: dict, retrieval: str) -> tuple:
        return (f.get("backend"), f.get("model"), f.get("format"), f.get("repair"), f.get("draft"), retrieval)

    by_key = {key(f, f.get("retrieval")): cid for cid, f in fields.items()}
    gains = []
    for cid, f in fields.items():
        if f.get("retrieval") == "none":
            continue
        base = by_key.get(key(f, "none"))
        if base is None:
            continue
        n, delta, lo, hi = paired_gain(verdicts[cid], verdicts[base])
        gains.append(Gain(cid, base, f.get("retrieval"), n, delta, lo, hi))
    return sorted(gains, key=lambda g: (g.baseline, g.variant))
