"""Write the evaluation report: Markdown tables plus PNG plots (matplotlib, Agg backend).

`write_report(out_dir)` reads `run.json` and `results.jsonl` from a run's
output directory and writes `report.md` and `plots/*.png`: pass rate per
configuration and level with bootstrap confidence intervals, the paired gain
of each retrieval variant over its baseline, tokens against pass rate, time
per case, and the distribution of the jitted-JAX / PyTorch-eager runtime
ratio. The report names the machine, backends, models and library versions
the run recorded.

The report is rebuilt from the JSONL alone, so it can be regenerated (or
merged from several resumed sessions) at any time without re-running
anything. A plot with nothing to show (no verified case, so no runtime
ratios) is still drawn, saying so, so the set of files is always the same.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from .metrics import Rate, retrieval_gains, summarize
from .runner import META, RESULTS, read_records

PLOTS = ("pass_rate.png", "retrieval_gain.png", "tokens_vs_pass.png", "time_per_case.png", "runtime_ratio.png")


def _pct(r: Rate) -> str:
    if r.rate is None:
        return "–"
    return f"{100 * r.rate:.0f}% [{100 * r.lo:.0f}, {100 * r.hi:.0f}]"


def _num(x, fmt: str = "{:.0f}") -> str:
    return "–" if x is None else fmt.format(x)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _header(meta: dict, records: list[dict]) -> list[str]:
    m = meta.get("machine", {})
    v = meta.get("versions", {})
    # A record's "model" is what produced its answers; "rules (rules)" would say nothing twice.
    backends = sorted({f"{r.get('backend')}" + (f" ({r.get('model')})" if r.get("model") not in (None, r.get("backend"))
                                                else "") for r in records})
    levels: dict[str, set] = {}
    for r in records:
        levels.setdefault(r.get("level", "-"), set()).add(r["case"])
    lines = [f"# t2j-rag evaluation: {meta.get('grid', 'grid')}", "",
             f"- started: {meta.get('started', '?')}",
             f"- suite: `{meta.get('suite', '?')}`: {sum(len(c) for c in levels.values())} cases "
             f"({', '.join(f'{k}: {len(c)}' for k, c in sorted(levels.items()))})",
             f"- machine: {m.get('platform', '?')}, {m.get('cpu_count', '?')} CPUs"
             + (f", GPU {m['gpu']}" if m.get("gpu") else ", no GPU used"),
             f"- backends and models: {', '.join(backends) or '–'}",
             "- versions: " + ", ".join(f"{k} {val}" for k, val in v.items() if val),
             f"- python {m.get('python', '?')}; verification in the sandbox "
             f"(timeout {meta.get('options', {}).get('timeout', '?')} s, "
             f"{meta.get('options', {}).get('memory_mb', '?')} MB)", ""]
    return lines


def render_markdown(meta: dict, records: list[dict]) -> str:
    order = [c["id"] for c in meta.get("configs", [])]
    summaries = summarize(records, order)
    levels = sorted({r.get("level", "-") for r in records if r.get("status") == "done"})
    out = _header(meta, records)
    out += ["## Pass rate per configuration", "",
            "Verified = the translation (after the configuration's repair rounds) matched PyTorch in the sandbox. "
            "Intervals: 95% percentile bootstrap over cases.", ""]
    head = ["configuration", "cases", "passed", "pass rate [95% CI]", *levels, "prompt tok/case", "output tok/case",
            "s/case", "CodeBLEU", "JAX/torch time (median)"]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in summaries:
        row = [f"`{s.config}`", s.overall.n, s.overall.passed, _pct(s.overall),
               *[_pct(s.by_level[lvl]) if lvl in s.by_level else "–" for lvl in levels],
               _num(s.prompt_tokens), _num(s.output_tokens), _num(s.seconds, "{:.1f}"), _num(s.codebleu, "{:.2f}"),
               _num(s.runtime_ratio, "{:.2f}x")]
        out.append("| " + " | ".join(_cell(x) for x in row) + " |")
    gains = retrieval_gains(records)
    out += ["", "## Gain of retrieval over the baseline", "",
            "Each retrieval variant against the same configuration without retrieval, paired by case "
            "(difference of pass rates, 95% bootstrap interval).", ""]
    if gains:
        out += ["| variant | baseline | cases | gain [95% CI] |", "|---|---|---|---|"]
        for g in gains:
            ci = "–" if g.delta is None else f"{100 * g.delta:+.0f} pts [{100 * g.lo:+.0f}, {100 * g.hi:+.0f}]"
            out.append(f"| `{g.variant}` | `{g.baseline}` | {g.n} | {ci} |")
    else:
        out.append("No retrieval variant has a baseline run in this grid.")
    not_run = [s for s in summaries if s.skipped or s.errors]
    out += ["", "## Not run", ""]
    if not_run:
        out += ["| configuration | skipped | errors | reasons |", "|---|---|---|---|"]
        out += [f"| `{s.config}` | {s.skipped} | {s.errors} | {_cell('; '.join(s.reasons))} |" for s in not_run]
    else:
        out.append("Every (case, configuration) pair ran.")
    shrunk = {r["case"]: r["shrink"] for r in records if r.get("shrink") and (r["shrink"].get("changes")
                                                                             or r["shrink"].get("note"))}
    if shrunk:
        out += ["", "## Shrunk cases (`--shrink`)", "", "| case | constants (old -> new) | largest tensor | note |",
                "|---|---|---|---|"]
        for case, s in sorted(shrunk.items()):
            ch = ", ".join(f"{k} {a}->{b}" for k, (a, b) in s.get("changes", {}).items()) or "–"
            out.append(f"| `{case}` | {ch} | {_num(s.get('max_elements'))} | {_cell(s.get('note') or '')} |")
    out += ["", "## Plots", ""] + [f"![{p[:-4]}](plots/{p})" for p in PLOTS] + [""]
    return "\n".join(out)


def _no_data(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def draw_plots(meta: dict, records: list[dict], plot_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plot_dir.mkdir(parents=True, exist_ok=True)
    order = [c["id"] for c in meta.get("configs", [])]
    summaries = [s for s in summarize(records, order) if s.overall.n]
    labels = [s.config for s in summaries]
    levels = sorted({r.get("level", "-") for r in records if r.get("status") == "done"})
    paths = []

    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(labels) + 2), 4.5))
    groups = ["all", *levels]
    width = 0.8 / max(1, len(groups))
    for gi, g in enumerate(groups):
        rates = [s.overall if g == "all" else s.by_level.get(g, Rate(0, 0, None, None, None)) for s in summaries]
        xs = [i + gi * width for i in range(len(summaries))]
        ys = [r.rate or 0.0 for r in rates]
        err = [[(r.rate - r.lo) if r.rate is not None else 0 for r in rates],
               [(r.hi - r.rate) if r.rate is not None else 0 for r in rates]]
        ax.bar(xs, ys, width, yerr=err, capsize=2, label=g)
    if summaries:
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(summaries))], labels, rotation=30, ha="right",
                      fontsize=7)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("pass rate (95% CI)")
        ax.legend(fontsize=7)
    else:
        _no_data(ax, "no configuration ran")
    ax.set_title("Pass rate per configuration and level")
    paths.append(_save(fig, plot_dir / PLOTS[0], plt))

    gains = [g for g in retrieval_gains(records) if g.delta is not None]
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.4 * len(gains) + 1.5)))
    if gains:
        ys = range(len(gains))
        ax.barh(ys, [100 * g.delta for g in gains],
                xerr=[[100 * (g.delta - g.lo) for g in gains], [100 * (g.hi - g.delta) for g in gains]], capsize=3)
        ax.set_yticks(list(ys), [g.variant for g in gains], fontsize=7)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("gain over the no-retrieval baseline (percentage points, 95% CI)")
    else:
        _no_data(ax, "no retrieval variant with a baseline")
    ax.set_title("What retrieval adds")
    paths.append(_save(fig, plot_dir / PLOTS[1], plt))

    fig, ax = plt.subplots(figsize=(6, 4.5))
    pts = [(s.prompt_tokens + (s.output_tokens or 0), s.overall.rate, s.config) for s in summaries
           if s.prompt_tokens is not None and s.overall.rate is not None]
    if pts:
        ax.scatter([p[0] for p in pts], [p[1] for p in pts])
        for x, y, name in pts:
            ax.annotate(name, (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
        ax.set_xlabel("tokens per case (prompt + output, incl. repairs)")
        ax.set_ylabel("pass rate")
        ax.set_ylim(-0.05, 1.05)
    else:
        _no_data(ax, "no token counts")
    ax.set_title("Tokens vs pass rate")
    paths.append(_save(fig, plot_dir / PLOTS[2], plt))

    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(labels) + 2), 4.5))
    data = [[r["seconds"] for r in records if r["config"] == s.config and r.get("status") == "done"
             and r.get("seconds") is not None] for s in summaries]
    if any(data):
        ax.boxplot(data)
        ax.set_xticks(range(1, len(labels) + 1), labels, rotation=30, ha="right", fontsize=7)
        ax.set_ylabel("seconds per case (translate + verify + repair + timing)")
    else:
        _no_data(ax, "no timed case")
    ax.set_title("Time per case")
    paths.append(_save(fig, plot_dir / PLOTS[3], plt))

    fig, ax = plt.subplots(figsize=(6, 4.5))
    ratios = [r["runtime_ratio"] for r in records if r.get("verified") and r.get("runtime_ratio")]
    if ratios:
        logs = [math.log10(x) for x in ratios]
        ax.hist(logs, bins=min(30, max(5, len(logs))))
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("log10(jitted JAX time / PyTorch eager time); < 0: JAX faster")
        ax.set_ylabel("verified (case, configuration) pairs")
    else:
        _no_data(ax, "no verified case with a runtime measurement")
    ax.set_title("Runtime ratio of verified translations")
    paths.append(_save(fig, plot_dir / PLOTS[4], plt))
    return paths


def _save(fig, path: Path, plt) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(out_dir: str | Path) -> Path:
    """Build report.md and plots/ from a run directory; returns the report's path."""
    from ..errors import InputError

    d = Path(out_dir)
    meta_path, results = d / META, d / RESULTS
    if not results.exists():
        raise InputError(f"{d}: no {RESULTS}; run the evaluation first")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    records = read_records(results)
    draw_plots(meta, records, d / "plots")
    report = d / "report.md"
    report.write_text(render_markdown(meta, records), encoding="utf-8")
    return report
