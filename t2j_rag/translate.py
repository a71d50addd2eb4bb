"""The translation pipeline: plan -> split -> retrieve -> prompt -> generate -> parse -> assemble.

`plan_translation` decides, from the options alone, which backend runs and
what is worth doing with it (retrieval, a draft, verification, repair rounds),
for the CLI and the evaluation runner alike. Each unit (top-level class or function) gets its own retrieval and prompt, so
the model sees the examples and notes for the APIs that unit uses. A unit whose
answer cannot be parsed fails on its own, with a message, and the file is
still assembled (the failed unit stays as a commented TODO block) so nothing
else is lost. Results are plain records, one per unit, written as JSONL by the CLI.

Example::

    source = read_source("examples/mlp.py")
    report = translate_source(source, get_backend("replay", answers=[...]), retriever=None)
    report.units[0].status, report.code[:40]
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import BackendError, OutputError
from .parse import ParseError, parse_answer
from .prompt import Prompt, PromptTooLong, approx_tokens, build_prompt
from .units import SourceFile, assemble


NO_LLM_NOTICE = ("t2j-rag: no LLM backend configured (set T2J_RAG_OPENAI_BASE_URL, or --backend hf on a CUDA "
                 "machine); translating with the rules engine and verifying the result")


@dataclass
class TranslationPlan:
    """What a translation run will do, decided from the options before anything heavy is loaded."""

    backend: str | None  # registry name; None only for --show-prompt when no backend is configured
    model: str | None  # what to pass to get_backend; None when the backend takes no model
    model_label: str | None  # what really produces the answers: a model id, "rules", a replay answers file
    verify: bool
    repair: int  # repair rounds after a failed verification
    retrieval: bool  # open the index and put retrieved examples and notes in the prompt
    draft: str | None  # "rules": the rules engine's draft of each unit goes into the prompt
    reads_corpus: bool = False  # the backend takes `corpus_dirs`, the user's corpus directories
    notice: str | None = None  # one line for stderr, when the plan differs from what was asked


def plan_translation(backend: str | None, model: str | None = None, *, verify: bool = False, repair: int = 3,
                     retrieval: bool = True, draft: str | None = None, show_prompt: bool = False,
                     detect: Callable[[], str | None] | None = None) -> TranslationPlan:
    """Pick the backend and drop what it would ignore.

    With no backend named, `detect` (default: `backends.choose_default_backend`, a
    configured server, else a local GPU) picks one. When it finds none, the rules
    engine translates and the result is verified, with no repair rounds, and the
    plan carries a notice saying so. A backend that ignores the prompt
    (`uses_prompt = False`) gets no retrieval and no draft; one whose repair answer
    would be its first answer (`repairs = False`) gets no repair rounds. An
    unknown backend name raises BackendError.

    >>> p = plan_translation(None, "mistralai/Mistral-7B-Instruct-v0.3", detect=lambda: None)
    >>> (p.backend, p.model, p.model_label, p.verify, p.repair, p.retrieval, p.notice is not None)
    ('rules', None, 'rules', True, 0, False, True)
    """
    from .backends import backend_class, choose_default_backend

    notice = None
    if backend is None and not show_prompt:
        backend = (detect or choose_default_backend)()
        if backend is None:
            backend, verify, repair, notice = "rules", True, 0, NO_LLM_NOTICE
    if backend is None:  # only prompts are shown, with approximate token counts
        return TranslationPlan(None, None, None, verify, repair, retrieval, draft)
    cls = backend_class(backend)
    if not cls.uses_prompt:
        retrieval, draft = False, None
    if not cls.repairs:
        repair = 0
    if cls.model_kind == "none":
        model = None
    return TranslationPlan(backend, model, model_label(cls, model), verify, repair, retrieval, draft,
                           cls.reads_corpus, notice)


def model_label(backend_cls, model: str | None) -> str | None:
    """The name of what produces a backend's answers, for records and reports.

    hf with "mistralai/Mistral-7B-Instruct-v0.3" -> that id (None -> its default model);
    rules -> "rules" whatever model was configured; replay with "runs/answers.json" -> "answers.json".
    """
    if backend_cls.model_kind == "none":
        return backend_cls.default_model or backend_cls.name
    if backend_cls.model_kind == "answers":
        return Path(model).name if model else None
    return model or backend_cls.default_model


@dataclass
class TranslateOptions:
    k: int = 4
    retrieval: bool = True
    fmt: str = "json"
    max_tokens: int = 2048
    draft: str | None = None  # "rules": put the rules engine's draft of each unit into the prompt


@dataclass
class UnitRecord:
    """One unit's translation outcome (one JSONL line)."""

    unit: str
    status: str  # "translated" | "partial" (some constructs left as TODO) | "failed"
    retrieved: list[str]
    backend: str
    model: str | None
    prompt_tokens: int | None = None
    output_tokens: int | None = None
    seconds: float = 0.0
    message: str = ""
    answer_shape: str | None = None
    notes: list[str] = field(default_factory=list)
    verified: str | None = None  # with --verify: "passed" | "failed" | "unverified"
    rounds: int = 0
    repairs: int = 0
    error: str = ""  # the remaining error of the version kept
    last_error: str = ""  # the last repair attempt's error, when a better earlier version was kept
    untranslated: list[dict] = field(default_factory=list)  # [{"line", "construct", "reason"}], file lines
    code: str = field(default="", repr=False)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("code")
        return d


@dataclass
class TranslationReport:
    source: str
    units: list[UnitRecord]
    code: str
    output: str | None = None

    @property
    def ok(self) -> bool:
        """Every unit translated, and no unit failed verification (unverified is not a failure)."""
        return all(u.status == "translated" and u.verified != "failed" for u in self.units)


def prepare_prompts(source: SourceFile, retriever=None, backend=None, opts: TranslateOptions | None = None
                    ) -> list[Prompt | PromptTooLong]:
    """The prompt for every unit (what --show-prompt prints), or the error for a unit too long."""
    opts = opts or TranslateOptions()
    count = backend.count_tokens if backend is not None else approx_tokens
    window = backend.context_window if backend is not None else None
    prompts: list[Prompt | PromptTooLong] = []
    for unit in source.units:
        hits = retriever.search(unit.source, unit.apis, opts.k) if (retriever is not None and opts.retrieval) else []
        draft = _rules_draft(unit, source.context) if opts.draft == "rules" else None
        try:
            prompts.append(build_prompt(unit, source.context, hits, opts.fmt, window, opts.max_tokens, count,
                                        draft=draft))
        except PromptTooLong as exc:
            prompts.append(exc)
    return prompts


def translate_source(source: SourceFile, backend, retriever=None, opts: TranslateOptions | None = None) -> TranslationReport:
    """Translate every unit with `backend` and assemble one JAX file."""
    from .backends.base import Request

    opts = opts or TranslateOptions()
    records: list[UnitRecord] = []
    translations: dict[str, str] = {}
    model = getattr(backend, "model", None)
    for unit, prompt in zip(source.units, prepare_prompts(source, retriever, backend, opts)):
        if isinstance(prompt, PromptTooLong):
            records.append(UnitRecord(unit.name, "failed", [], backend.name, model, message=str(prompt)))
            continue
        start = time.perf_counter()
        completion = backend.generate(Request(messages=prompt.messages, max_tokens=opts.max_tokens))
        seconds = time.perf_counter() - start
        record = UnitRecord(unit.name, "translated", prompt.retrieved, backend.name, completion.model or model,
                            completion.prompt_tokens or prompt.tokens, completion.output_tokens, round(seconds, 3))
        try:
            parsed = parse_answer(completion.text)
        except ParseError as exc:
            record.status, record.message = "failed", str(exc)
        else:
            record.code, record.notes, record.answer_shape = parsed.code, parsed.notes, parsed.shape
            translations[unit.name] = parsed.code
            if parsed.truncated:
                record.message = "the answer was cut off (max tokens?); the code may be incomplete"
            if parsed.untranslated:
                record.status = "partial"
                record.untranslated = [_file_line(unit, u) for u in parsed.untranslated]
                record.message = record.message or f"{len(parsed.untranslated)} construct(s) left as TODO(t2j)"
        records.append(record)
    return TranslationReport(source.path, records, assemble(source, translations))


def translate_and_verify(source: SourceFile, backend, retriever=None, opts: TranslateOptions | None = None,
                         verify_opts=None, repair_rounds: int = 3, on_fix=None) -> TranslationReport:
    """translate_source, then (when `verify_opts` is given) verify the file and repair it with the same backend.

    `on_fix(unit, wrong_code, report, fixed_code)` is called for a unit a repair turned from failing to passing.
    """
    opts = opts or TranslateOptions()
    report = translate_source(source, backend, retriever, opts)
    if verify_opts is not None:
        from .repair import apply_verification, verify_and_repair

        translations = {r.unit: r.code for r in report.units if r.status in ("translated", "partial")}
        best, checks = verify_and_repair(source, translations, backend, retriever, repair_rounds, verify_opts, opts.k,
                                         max_tokens=opts.max_tokens, on_fix=on_fix)
        apply_verification(report, source, best, checks, verify_opts.spec)
    return report


def _file_line(unit, item: dict) -> dict:
    """An untranslated item with its unit-relative line turned into a line of the source file."""
    line = item.get("line")
    out = dict(item)
    if isinstance(line, int) and not isinstance(line, bool):
        out["line"] = unit.lineno + line - 1
    return out


def _rules_draft(unit, context: str) -> dict:
    """The rules engine's translation of `unit`, for the prompt (`translate --draft rules`)."""
    from .rules import translate_unit

    try:
        result = translate_unit(unit.source, context)
    except SyntaxError:
        return {"jax_code": "", "untranslated": [{"line": 1, "construct": unit.name, "reason": "does not parse"}]}
    return {"jax_code": result.code, "untranslated": [_file_line(unit, u.to_dict()) for u in result.untranslated]}


def default_output_path(source_path: str | Path) -> Path:
    p = Path(source_path)
    return p.with_name(f"{p.stem}_jax.py")


def check_output_path(path: Path, force: bool) -> None:
    """Refuse before any work is done: a directory, or an existing file without --force."""
    if path.is_dir():
        raise OutputError(f"output path is a directory: {path}")
    if path.exists() and not force:
        raise OutputError(f"{path} exists; pass --force to overwrite it")
    if not path.parent.exists():
        raise OutputError(f"output directory does not exist: {path.parent}")


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory and rename, so a crash leaves no half file."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def ensure_backend_usable(backend) -> None:
    if backend is None:
        raise BackendError("no LLM backend can run here: start an OpenAI-compatible server and set "
                           "T2J_RAG_OPENAI_BASE_URL, use --backend hf on a CUDA machine, or --show-prompt")
