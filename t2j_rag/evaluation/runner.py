"""Run an ablation: every (case, configuration) of a suite and a grid, one JSONL record each.

For each pair the runner translates the case with the configuration's backend,
prompt format and retrieval, verifies the entry in the sandbox and repairs it
up to the configuration's budget (`translate.plan_translation`,
`translate.translate_source` and `repair.verify_and_repair`, the same policy
and code paths as `t2j-rag translate --verify`), then scores the final code
against the reference with CodeBLEU and, when it passed, times the jitted
translation against PyTorch eager (`timing.run_job` in the sandbox).

- Resumable: records are appended (and flushed) as pairs finish; a new run on
  the same output directory skips every pair that already has a "done"
  record. Skipped and errored pairs are tried again (a backend that has
  become available, a server that is back).
- Parallel: pairs run on a thread pool (`jobs` threads; generation against a
  server overlaps), and every sandbox job goes through a shared pool of
  `verify_workers` sandbox workers. A local `hf` model generates one request
  at a time (a lock), since a second concurrent generate on one GPU only
  splits it.
- A configuration that cannot run here (the rules backend or draft is not
  registered) gets one "skipped" record per case with the reason.
- Each record's "model" is what really produced the answers (the plan's
  model label): the model id, "rules" for the rules engine, the answers file
  for replay; the configuration id stays what the grid named.

The trade-off: a thread per pair keeps the code the same as the CLI's
sequential path, at the price that a repair round holds its thread while it
waits for the model (it does not hold a sandbox worker).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import platform
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BackendError, T2JError
from .grid import Config
from .shrink import DEFAULT_BUDGET, ShrinkResult, sandbox_measure, shrink_code
from .suite import Case

RESULTS = "results.jsonl"
META = "run.json"
SHRINK_CACHE = "shrink.json"
VERSIONS = ("t2j-rag", "torch", "jax", "jaxlib", "flax", "optax", "transformers", "bitsandbytes",
            "sentence-transformers", "faiss-cpu")


@dataclass
class RunOptions:
    out_dir: Path
    jobs: int = 2  # pairs in flight (generation threads)
    verify_workers: int = 1  # sandbox workers shared by all threads
    timeout: float = 120.0  # seconds per sandbox job
    memory_mb: int = 8192
    max_tokens: int = 2048
    shrink: bool = False
    budget: int = DEFAULT_BUDGET
    timing: bool = True
    answers: str | None = None  # keyed replay answers (see keyed_replay) for backend "replay"
    base_url: str | None = None  # for backend "openai"
    progress: bool = True


@dataclass
class RunSummary:
    out_dir: Path
    total: int
    ran: int
    resumed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class Metered:
    """A backend seen through one job: counts calls and tokens, optionally one generate at a time."""

    def __init__(self, inner, lock: threading.Lock | None = None):
        self.inner = inner
        self.lock = lock
        self.calls = 0
        self.prompt_tokens = 0
        self.output_tokens = 0
        self.seconds = 0.0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def generate(self, request):
        start = time.perf_counter()
        with self.lock or contextlib.nullcontext():
            c = self.inner.generate(request)
        self.seconds += time.perf_counter() - start
        self.calls += 1
        self.prompt_tokens += c.prompt_tokens if c.prompt_tokens is not None else sum(
            self.inner.count_tokens(m["content"]) for m in request.messages)
        self.output_tokens += c.output_tokens if c.output_tokens is not None else self.inner.count_tokens(c.text)
        return c


# ----------------------------------------------------------------------------- results file


def read_records(path: Path) -> list[dict]:
    """The records of a results file, the last one per (case, config) winning; a torn last line is ignored."""
    if not path.exists():
        return []
    by_key: dict[tuple, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue  # an interrupted write; that pair simply runs again
        by_key[(rec.get("case"), rec.get("config"))] = rec
    return list(by_key.values())


class _Writer:
    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.Lock()
        # A run killed mid-write can leave a line without its newline; start on a fresh line.
        if path.exists() and path.stat().st_size and not path.read_bytes().endswith(b"\n"):
            with open(path, "a", encoding="utf-8") as fh:
                fh.write("\n")

    def write(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False)
        with self.lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()


# ----------------------------------------------------------------------------- environment


def machine_info() -> dict:
    info = {"platform": platform.platform(), "machine": platform.machine(), "processor": platform.processor(),
            "cpu_count": os.cpu_count(), "python": platform.python_version()}
    torch = __import__("sys").modules.get("torch")  # only if a backend already loaded it
    if torch is not None:
        with contextlib.suppress(Exception):
            if torch.cuda.is_available():
                info["gpu"] = torch.cuda.get_device_name(0)
    return info


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in VERSIONS:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def unavailable_reason(config: Config) -> str | None:
    """Why a configuration cannot run here, or None."""
    from ..backends import backend_names
    from ..translate import TranslateOptions

    names = backend_names()
    if config.backend not in names:
        if config.backend == "rules":
            return "the rules backend is not registered (t2j_rag.backends.backend_names())"
        return f"backend {config.backend!r} is not registered"
    if config.draft == "rules" and config.backend != "rules":
        if "rules" not in names:
            return "draft 'rules' needs the rules backend, which is not registered (t2j_rag.backends.backend_names())"
        if "draft" not in {f.name for f in dataclasses.fields(TranslateOptions)}:
            return "draft 'rules' needs TranslateOptions.draft, which this version of translate.py does not have"
    return None


# ----------------------------------------------------------------------------- one pair


def plan_for(config: Config, answers: str | None = None):
    """The translation plan of one configuration (a `translate.TranslationPlan`), as `translate --verify` makes it.

    In an evaluation the replay backend's answers come from `answers` (--answers), not from the grid.
    BackendError when the backend is not registered.
    """
    from ..translate import plan_translation

    return plan_translation(config.backend, answers if config.backend == "replay" else config.model, verify=True,
                            repair=config.repair, retrieval=config.retrieval != "none",
                            draft=None if config.draft == "none" else config.draft)


def _head(case: Case, config: Config, model_label: str | None) -> dict:
    """The fields every record of (case, config) starts with; "model" is what really produced the answers."""
    return {"case": case.id, "level": case.level, "config": config.id, "backend": config.backend,
            "model": model_label, "format": config.format, "retrieval": config.retrieval, "k": config.k,
            "repair": config.repair, "draft": config.draft}


def _skip(case: Case, config: Config, model_label: str | None, reason: str, shrink: dict | None) -> dict:
    return {**_head(case, config, model_label), "status": "skipped", "reason": reason, "stage": None,
            "verified": False, "shrink": shrink}


def run_pair(case: Case, code: str, config: Config, plan, backend, retriever, pool, opts: RunOptions,
             shrink: dict | None = None) -> dict:
    """Translate, verify, repair, score and time one case under one configuration and its plan; the JSONL record."""
    from ..repair import verify_and_repair
    from ..translate import TranslateOptions, translate_source
    from ..units import assemble, split_source
    from ..verify import VerifyOptions, find_entry, has_inputs
    from .codebleu import codebleu
    from .timing import HANDLER as TIMING

    start = time.perf_counter()
    record = {**_head(case, config, plan.model_label), "status": "done", "shrink": shrink}
    source = split_source(code, case.path)
    program = not has_inputs(code)  # checked as a whole program: per-module, training and run verdicts
    entry = None if program else find_entry(code)
    topts = TranslateOptions(k=config.k, retrieval=plan.retrieval, fmt=config.format, max_tokens=opts.max_tokens,
                             draft=plan.draft)
    report = translate_source(source, backend, retriever, topts)
    unit = next((u for u in report.units if u.unit == entry), None)
    # "partial" (some constructs left as TODO by the rules engine) still gets verified, as translate does
    translations = {u.unit: u.code for u in report.units if u.status in ("translated", "partial")}
    record.update(retrieved=unit.retrieved if unit else [], translated=bool(unit and unit.code),
                  untranslated=len(getattr(unit, "untranslated", None) or []) if unit else 0,
                  translate_message=unit.message if unit else "the entry is not a unit")
    translate_gen = backend.seconds
    v_start = time.perf_counter()
    program_reports: list = []
    best, checks = verify_and_repair(source, translations, backend, retriever, plan.repair,
                                     VerifyOptions(timeout=opts.timeout, memory_mb=opts.memory_mb), config.k,
                                     worker=pool.lease(), max_tokens=opts.max_tokens, program_reports=program_reports)
    repair_gen = backend.seconds - translate_gen
    check = next((c for c in checks if c.unit == entry), None)
    final = assemble(source, best)
    verified = bool(check and check.verified == "passed")
    record["program"] = program_reports[-1].to_dict() if program_reports else None
    if program:
        verified = bool(program_reports and program_reports[-1].passed)
        record["translated"] = any(u.code for u in report.units)
    stage = "translate" if not record["translated"] else (check.stage if check else None)
    if program and record["translated"] and program_reports:
        stage = program_reports[-1].stage
    record.update(stage=stage, verified=verified, max_abs_err=check.max_abs_err if check else None,
                  rounds=check.rounds if check else 0, repairs=check.repairs if check else 0,
                  message=(check.message if check and not verified else "")[:2000],
                  prompt_tokens=backend.prompt_tokens, output_tokens=backend.output_tokens, llm_calls=backend.calls,
                  gen_seconds=round(backend.seconds, 3),
                  verify_seconds=round(time.perf_counter() - v_start - repair_gen, 3))
    if program and program_reports and not verified:
        record["message"] = program_reports[-1].message[:2000]
    record["codebleu"] = codebleu(final, case.ref_code).to_dict() if case.ref_code else None
    record["timing"] = None
    if verified and opts.timing and not program:
        job = pool.run(TIMING, {"torch_code": code, "jax_code": final, "entry": entry}, timeout=opts.timeout)
        record["timing"] = job.value if job.ok else {"error": f"{job.stage}: {job.message[-300:]}"}
    record["runtime_ratio"] = (record["timing"] or {}).get("ratio")
    record["seconds"] = round(time.perf_counter() - start, 3)
    record["code"] = final
    return record


# ----------------------------------------------------------------------------- the run


class _Backends:
    """One shared backend per (name, model), built on first use; hf gets a generation lock."""

    def __init__(self, opts: RunOptions):
        self.opts = opts
        self._made: dict[tuple, tuple] = {}
        self._lock = threading.Lock()
        self.keyed = None
        if opts.answers:
            from .keyed_replay import KeyedAnswers

            self.keyed = KeyedAnswers.load(opts.answers)

    def for_job(self, case: Case, config: Config, plan):
        if config.backend == "replay":
            if self.keyed is None:
                raise BackendError("backend 'replay' in an evaluation needs an answers file (--answers FILE)")
            inner = self.keyed.backend(case.id, config.id)
            return None if inner is None else Metered(inner)
        key = (config.backend, config.model)
        with self._lock:
            if key not in self._made:
                from ..backends import get_backend

                options = {"base_url": self.opts.base_url} if config.backend == "openai" and self.opts.base_url else {}
                inner = get_backend(config.backend, model=plan.model, **options)
                self._made[key] = (inner, threading.Lock() if config.backend == "hf" else None)
        inner, lock = self._made[key]
        return Metered(inner, lock)


def _shrink_all(cases: list[Case], pool, opts: RunOptions) -> dict[str, ShrinkResult]:
    """Shrink every case once; results are cached in the output directory for resumed runs."""
    cache_path = opts.out_dir / SHRINK_CACHE
    cached = json.loads(cache_path.read_text(encoding="utf-8")) if cache_path.exists() else {}
    out: dict[str, ShrinkResult] = {}
    measure = sandbox_measure(pool, opts.budget, opts.timeout)
    for case in cases:
        c = cached.get(case.id)
        if c and c.get("budget") == opts.budget and c.get("source_sha") == _sha(case.torch_code):
            out[case.id] = ShrinkResult(c["code"], c["changes"], c["steps"], c["max_elements"], c["note"])
            continue
        r = shrink_code(case.torch_code, measure, opts.budget)
        out[case.id] = r
        cached[case.id] = r.to_dict() | {"code": r.code, "budget": opts.budget, "source_sha": _sha(case.torch_code)}
        cache_path.write_text(json.dumps(cached, indent=1), encoding="utf-8")
    return out


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def run_ablation(cases: list[Case], configs: list[Config], opts: RunOptions, retriever=None,
                 meta: dict | None = None) -> RunSummary:
    """Run every missing (case, config) pair into `opts.out_dir/results.jsonl`; see the module docstring."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from tqdm import tqdm

    from ..sandbox import Limits
    from .filtered import for_config
    from .pool import WorkerPool

    start = time.perf_counter()
    opts.out_dir.mkdir(parents=True, exist_ok=True)
    results = opts.out_dir / RESULTS
    done = {(r["case"], r["config"]) for r in read_records(results) if r.get("status") == "done"}
    todo = [(case, config) for config in configs for case in cases if (case.id, config.id) not in done]
    reasons = {c.id: unavailable_reason(c) for c in configs}
    if retriever is None and any(c.retrieval != "none" and not reasons[c.id] for c in configs):
        raise T2JError("configurations with retrieval need an index: run `t2j-rag build-index` first")
    if opts.answers is None and any(c.backend == "replay" and not reasons[c.id] for c in configs):
        raise BackendError("backend 'replay' in an evaluation needs recorded answers (--answers FILE)")
    (opts.out_dir / META).write_text(json.dumps({
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine_info(),
        "versions": versions(), "configs": [c.to_dict() for c in configs], "cases": [c.id for c in cases],
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in dataclasses.asdict(opts).items()},
        **(meta or {})}, indent=1), encoding="utf-8")
    writer = _Writer(results)
    counts: dict[str, int] = {}
    summary = RunSummary(opts.out_dir, len(cases) * len(configs), len(todo), len(cases) * len(configs) - len(todo))
    if not todo:
        summary.seconds = time.perf_counter() - start
        return summary

    backends = _Backends(opts)
    search_lock = threading.Lock()
    pool = WorkerPool(opts.verify_workers, Limits(timeout=opts.timeout, memory_mb=opts.memory_mb))
    try:
        shrunk = _shrink_all(list({c.id: c for c, _ in todo}.values()), pool, opts) if opts.shrink else {}

        def one(case: Case, config: Config) -> dict:
            s = shrunk.get(case.id)
            shrink = s.to_dict() if s else None
            if reasons[config.id]:
                return _skip(case, config, config.model, reasons[config.id], shrink)
            plan = plan_for(config, opts.answers)
            backend = backends.for_job(case, config, plan)
            if backend is None:
                return _skip(case, config, plan.model_label, "no recorded answer for this case and configuration",
                             shrink)
            code = s.code if s else case.torch_code
            retrieval = config.retrieval if plan.retrieval else "none"
            try:
                return run_pair(case, code, config, plan, backend, for_config(retriever, retrieval, search_lock),
                                pool, opts, shrink)
            except T2JError as exc:
                return {**_skip(case, config, plan.model_label, "", shrink), "status": "error",
                        "reason": str(exc).splitlines()[0]}
            except Exception as exc:  # noqa: BLE001 - one broken pair must not end a long run; it is retried on resume
                return {**_skip(case, config, plan.model_label, "", shrink), "status": "error",
                        "reason": f"internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}

        with ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as ex:
            futures = [ex.submit(one, case, config) for case, config in todo]
            bar = tqdm(total=len(futures), desc="eval", unit="pair", disable=not opts.progress)
            passed = 0
            for fut in as_completed(futures):
                rec = fut.result()
                writer.write(rec)
                counts[rec["status"]] = counts.get(rec["status"], 0) + 1
                passed += bool(rec.get("verified"))
                bar.set_postfix(passed=passed, refresh=False)
                bar.update(1)
            bar.close()
    finally:
        pool.close()
    summary.counts = counts
    summary.seconds = time.perf_counter() - start
    return summary
