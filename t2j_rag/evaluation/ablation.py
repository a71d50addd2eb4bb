"""One call from options to results: load the suite and grid, open the retriever, run, write the report.

`t2j-rag eval` and `scripts/ablate.py` are thin layers over `run_eval`. The
retriever is opened (and its index checked against the corpus) only when a
configuration that can run here retrieves; a suite that lies inside a corpus
directory is refused, since indexed evaluation cases would make retrieval
look better than it is. The trade-off: the check compares directories, so a
copy of a case placed elsewhere in a corpus is caught only by the duplicate
test over the shipped corpus (`tests/test_evals.py`), not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from .grid import load_grid, resolve_grid
from .runner import RunOptions, RunSummary, run_ablation, unavailable_reason
from .suite import load_suite


def default_suite_dir() -> Path:
    """`evals/` of the source checkout."""
    return Path(__file__).resolve().parents[2] / "evals"


@dataclass
class EvalRequest:
    suite: str | None = None
    grid: str = "default"
    overrides: dict | None = None  # dimension -> values from command-line options
    cases: tuple[str, ...] = ()
    out_dir: str | None = None
    corpus: tuple[str, ...] = ()
    index_dir: str | None = None
    embedding_model: str | None = None
    no_shipped_corpus: bool = False


def _check_apart(suite_dir: Path, corpus_dirs: list[Path]) -> None:
    s = suite_dir.resolve()
    for d in corpus_dirs:
        c = Path(d).resolve()
        if s == c or c in s.parents or s in c.parents:
            raise ConfigError(f"the suite {suite_dir} overlaps the corpus directory {d}; evaluation cases must "
                              "never be indexed")


def run_eval(req: EvalRequest, opts: RunOptions | None = None) -> tuple[RunSummary, Path]:
    """Run the missing pairs of the request's suite x grid, then (re)write the report; (summary, report path)."""
    from ..config import load_settings
    from .report import write_report

    suite_dir = Path(req.suite) if req.suite else default_suite_dir()
    suite = load_suite(suite_dir).select(list(req.cases))
    grid_path = resolve_grid(req.grid)
    grid = load_grid(grid_path, req.overrides)
    out_dir = Path(req.out_dir) if req.out_dir else Path("eval-runs") / grid.name
    opts = opts or RunOptions(out_dir)
    opts.out_dir = out_dir
    settings = load_settings()
    settings.use_shipped_corpus = not req.no_shipped_corpus
    dirs, origins = settings.corpus_dirs(req.corpus)
    _check_apart(suite_dir, dirs)
    retriever = None
    if any(c.retrieval != "none" and unavailable_reason(c) is None for c in grid.configs):
        from ..retrieve import Retriever

        retriever = Retriever.open(settings.resolved_index_dir(req.index_dir), dirs, origins,
                                   req.embedding_model or settings.embedding_model)
    meta = {"suite": str(suite_dir), "grid": grid.name, "grid_file": str(grid_path),
            "grid_description": grid.description, "skipped_files": suite.skipped}
    summary = run_ablation(suite.cases, grid.configs, opts, retriever, meta)
    return summary, write_report(out_dir)
