"""The `t2j-rag eval` click command (registered by `cli.py`), a thin layer over `ablation.run_eval`.

It lives here, not in cli.py, so the evaluation's many options stay next to
the code they configure; cli.py adds it with one call and passes in its error
handler, so errors look like every other command's. Only click is imported at
module level, keeping `t2j-rag --help` instant.
"""

from __future__ import annotations

import click

DIMENSION_OPTIONS = (
    ("--backend", "backend", str, "Backend(s) to evaluate (replaces the grid's list; repeatable)."),
    ("--model", "model", str, "Model id(s) or path(s) for the backend (repeatable)."),
    ("--format", "format", click.Choice(["json", "plain"]), "Prompt format(s) (repeatable)."),
    ("--retrieval", "retrieval", click.Choice(["none", "notes", "pairs", "both"]), "Retrieval variant(s) (repeatable)."),
    ("-k", "k", click.IntRange(0, 50), "Examples and notes per unit (repeatable)."),
    ("--repair", "repair", click.IntRange(0, 20), "Repair rounds (repeatable)."),
    ("--draft", "draft", click.Choice(["none", "rules"]), "Draft from the rules engine in the prompt (repeatable)."),
)


def make_eval_command(handle_errors) -> click.Command:
    @click.command("eval")
    @click.option("--suite", type=click.Path(file_okay=False), default=None,
                  help="Directory of KernelBench-style cases (default: evals/ of the checkout).")
    @click.option("--grid", default="default", show_default=True,
                  help="Grid file, or the name of one in scripts/grids (ci, default, full, k_sweep).")
    @click.option("--cases", multiple=True, help="Only cases whose id or name matches this glob (repeatable).")
    @click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False), default=None,
                  help="Output directory (default: eval-runs/<grid name>); an existing run is resumed.")
    @click.option("--answers", type=click.Path(dir_okay=False), default=None,
                  help="Recorded answers keyed by case and configuration, for --backend replay.")
    @click.option("--base-url", default=None, help="OpenAI-compatible server URL (openai backend).")
    @click.option("--jobs", type=click.IntRange(1, 256), default=2, show_default=True, help="Pairs in flight.")
    @click.option("--verify-workers", type=click.IntRange(1, 64), default=1, show_default=True,
                  help="Sandbox workers shared by all pairs.")
    @click.option("--shrink", is_flag=True, help="Halve the cases' size constants until every tensor fits --budget.")
    @click.option("--budget", type=click.IntRange(1), default=1 << 21, show_default=True,
                  help="With --shrink: elements allowed in the largest tensor.")
    @click.option("--no-timing", is_flag=True, help="Do not time verified translations against PyTorch.")
    @click.option("--timeout", type=click.FloatRange(1, 86400), default=120.0, show_default=True,
                  help="Seconds per sandbox job.")
    @click.option("--max-tokens", type=click.IntRange(16, 32768), default=2048, show_default=True)
    @click.option("--report-only", is_flag=True, help="Only rebuild report.md and the plots from --out.")
    @click.option("--corpus", multiple=True, type=click.Path(file_okay=False), help="Extra corpus directory.")
    @click.option("--index-dir", type=click.Path(), default=None, help="Index directory.")
    @click.option("--embedding-model", default=None, help="Embedding model the index was built with.")
    @click.option("--no-shipped-corpus", is_flag=True, help="Use only the --corpus directories.")
    @handle_errors
    def eval_cmd(suite, grid, cases, out_dir, answers, base_url, jobs, verify_workers, shrink, budget, no_timing,
                 timeout, max_tokens, report_only, corpus, index_dir, embedding_model, no_shipped_corpus,
                 **dimensions):
        """Run an ablation grid over an evaluation suite: JSONL records, report.md and plots."""
        from pathlib import Path

        from .ablation import EvalRequest, run_eval
        from .runner import RunOptions

        if report_only:
            from .report import write_report

            if not out_dir:
                raise click.UsageError("--report-only needs --out DIR")
            click.echo(f"wrote {write_report(out_dir)}")
            return
        req = EvalRequest(suite, grid, {k: list(v) for k, v in dimensions.items() if v}, cases, out_dir, corpus,
                          index_dir, embedding_model, no_shipped_corpus)
        opts = RunOptions(Path("."), jobs=jobs, verify_workers=verify_workers, timeout=timeout, max_tokens=max_tokens,
                          shrink=shrink, budget=budget, timing=not no_timing, answers=answers, base_url=base_url)
        summary, report = run_eval(req, opts)
        counts = ", ".join(f"{v} {k}" for k, v in sorted(summary.counts.items())) or "nothing new to run"
        click.echo(f"{summary.total} pairs ({summary.resumed} already done): {counts} in {summary.seconds:.0f}s")
        click.echo(f"wrote {summary.out_dir / 'results.jsonl'} and {report}")

    for flag, name, kind, text in DIMENSION_OPTIONS:  # appended after the options above, in this order
        eval_cmd = click.option(flag, name, type=kind, multiple=True, help=text)(eval_cmd)
    return eval_cmd
