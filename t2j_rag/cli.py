"""The `t2j-rag` command line: a thin click layer over the library.

Each command parses options, calls one library function and prints the result
(human text, or JSON with --json). Library errors (`T2JError`) become one line
on stderr and a non-zero exit; nothing heavy is imported until a command runs,
so `t2j-rag --help` is instant.
"""

from __future__ import annotations

import functools
import json
import os
import sys

import click

from . import __version__
from .errors import T2JError


def _fail(message: str, code: int) -> None:
    click.echo(f"t2j-rag: error: {message}", err=True)
    sys.exit(code)


def handle_errors(fn):
    """Turn library errors into one line and an exit code; never show a traceback for them."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except T2JError as exc:
            _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except click.exceptions.Exit:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: still one line unless debugging
            if os.environ.get("T2J_RAG_DEBUG"):
                raise
            first = str(exc).splitlines()[0] if str(exc) else ""
            _fail(f"internal error: {type(exc).__name__}: {first} (set T2J_RAG_DEBUG=1 for the traceback)", 3)

    return wrapper


def _settings():
    from .config import load_settings

    return load_settings()


corpus_option = click.option("--corpus", "corpus", multiple=True, type=click.Path(file_okay=False),
                             help="Extra corpus directory on top of the shipped one (repeatable).")
index_option = click.option("--index-dir", type=click.Path(), default=None,
                            help="Index directory (default: ./index, $T2J_RAG_INDEX or the config file).")
no_shipped_option = click.option("--no-shipped-corpus", is_flag=True, help="Use only the --corpus directories.")


def retrieval_options(fn):
    """The options every command that reads the index shares."""
    for option in reversed([corpus_option, index_option, no_shipped_option,
                            click.option("--embedding-model", default=None, help="Embedding model the index was built with.")]):
        fn = option(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="t2j-rag")
def main() -> None:
    """Retrieval-augmented PyTorch -> JAX/Flax NNX translation."""


@main.command("build-index")
@corpus_option
@index_option
@no_shipped_option
@click.option("--model", default=None, help="sentence-transformers model name or path (default: the shipped MiniLM).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@handle_errors
def build_index_cmd(corpus, index_dir, no_shipped_corpus, model, as_json):
    """Embed the corpus (pairs and notes) into a FAISS index, incrementally."""
    from .index import build_index

    settings = _settings()
    settings.use_shipped_corpus = not no_shipped_corpus
    dirs, origins = settings.corpus_dirs(corpus)
    summary = build_index(dirs, settings.resolved_index_dir(index_dir), model or settings.embedding_model,
                          origins=origins, progress=not as_json)
    if as_json:
        d = summary.to_dict()
        click.echo(json.dumps({k: d[k] for k in ("entries", "pairs", "notes", "embedded", "model", "dim", "seconds")}
                              | {"fixes": d["fixes"], "index_dir": d["index_dir"]}))
    else:
        state = "up to date" if not summary.changed else f"{summary.embedded} embedded"
        click.echo(f"index {summary.index_dir}: {summary.entries} entries ({summary.pairs} pairs, {summary.notes} notes"
                   f"{f', {summary.fixes} fixes' if summary.fixes else ''}), {state}, model {summary.model} "
                   f"(dim {summary.dim}), {summary.seconds:.2f}s")


def _open_retriever(settings, corpus, index_dir, embedding_model, no_shipped=False):
    from .retrieve import Retriever

    settings.use_shipped_corpus = not no_shipped
    dirs, origins = settings.corpus_dirs(corpus)
    return Retriever.open(settings.resolved_index_dir(index_dir), dirs, origins, embedding_model or settings.embedding_model)


@main.command("retrieve")
@click.argument("file", type=click.Path())
@click.option("-k", "k", type=click.IntRange(0, 50), default=None, help="Examples and notes per unit (default 4).")
@retrieval_options
@click.option("--json", "as_json", is_flag=True, help="One JSON record per unit.")
@handle_errors
def retrieve_cmd(file, k, corpus, index_dir, no_shipped_corpus, embedding_model, as_json):
    """Show what would be retrieved for each unit of FILE."""
    from .retrieve import retrieve_for_source
    from .units import read_source

    settings = _settings()
    source = read_source(file)
    retriever = _open_retriever(settings, corpus, index_dir, embedding_model, no_shipped_corpus)
    for unit_hits in retrieve_for_source(source, retriever, settings.k if k is None else k):
        if as_json:
            click.echo(json.dumps(unit_hits.to_dict()))
            continue
        click.echo(f"{unit_hits.unit}  (APIs: {', '.join(unit_hits.apis) or 'none'})")
        for h in unit_hits.hits:
            click.echo(f"  {h.kind:<5} {h.score:6.3f}  {h.id:<40} {h.title}")


@main.command("translate")
@click.argument("file", type=click.Path())
@click.option("-o", "--output", type=click.Path(), default=None, help="Output file (default: FILE_jax.py beside FILE).")
@click.option("--backend", default=None, help="LLM backend: hf, openai, echo, replay, or a plugin name.")
@click.option("--model", default=None, help="Model id or local path for the backend (replay: a JSON/JSONL answers file).")
@click.option("--base-url", default=None, help="OpenAI-compatible server URL (openai backend).")
@click.option("-k", "k", type=click.IntRange(0, 50), default=None, help="Examples and notes per unit (default 4).")
@click.option("--no-retrieval", is_flag=True, help="Baseline: the same prompt without examples and notes.")
@click.option("--format", "fmt", type=click.Choice(["json", "plain"]), default="json", help="Prompt format.")
@click.option("--max-tokens", type=click.IntRange(16, 32768), default=2048, help="Answer budget per unit.")
@click.option("--show-prompt", is_flag=True, help="Print the prompt(s) and exit without calling a model.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per unit.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--verify", "do_verify", is_flag=True, help="Verify the translation against FILE and repair failures.")
@click.option("--repair", type=click.IntRange(0, 20), default=3, show_default=True,
              help="With --verify: repair rounds after a failed verification.")
@click.option("--entry", default=None, help="With --verify: class or function to compare.")
@click.option("--inputs", "inputs", type=click.Path(), default=None, help="With --verify: JSON input spec.")
@click.option("--timeout", type=click.FloatRange(1, 86400), default=120.0, help="With --verify: seconds per check.")
@click.option("--learn-fixes", is_flag=True, help="With --verify: save repaired units as bug -> fix entries.")
@click.option("--draft", "draft", type=click.Choice(["rules"]), default=None,
              help="Put the rules engine's draft of each unit (and what it left untranslated) into the LLM prompt.")
@click.option("--no-draft", is_flag=True, help="Ablation: no draft in the prompt, even if --draft is given.")
@retrieval_options
@handle_errors
def translate_cmd(file, output, backend, model, base_url, k, no_retrieval, fmt, max_tokens, show_prompt, as_json,
                  force, do_verify, repair, entry, inputs, timeout, learn_fixes, draft, no_draft, corpus, index_dir, no_shipped_corpus,
                  embedding_model):
    """Translate a PyTorch FILE to JAX/Flax NNX."""
    from pathlib import Path

    from .backends import get_backend
    from .translate import (TranslateOptions, check_output_path, default_output_path, ensure_backend_usable,
                            plan_translation, prepare_prompts, translate_and_verify, write_atomic)
    from .units import read_source

    settings = _settings()
    source = read_source(file)
    out_path = Path(output) if output else default_output_path(file)
    if not show_prompt:
        check_output_path(out_path, force)
    plan = plan_translation(backend or settings.backend, model or settings.model, verify=do_verify, repair=repair,
                            retrieval=not no_retrieval, draft=None if no_draft else draft, show_prompt=show_prompt)
    if plan.notice:
        click.echo(plan.notice, err=True)
    opts = TranslateOptions(k=settings.k if k is None else k, retrieval=plan.retrieval, fmt=fmt, max_tokens=max_tokens,
                            draft=plan.draft)
    options = {"base_url": base_url} if base_url else {}
    if plan.reads_corpus:
        options["corpus_dirs"] = [str(d) for d, origin in zip(*settings.corpus_dirs(corpus)) if origin != "shipped"]
    retriever = _open_retriever(settings, corpus, index_dir, embedding_model, no_shipped_corpus) if plan.retrieval else None
    llm = get_backend(plan.backend, model=plan.model, **options) if plan.backend else None

    if show_prompt:
        for p in prepare_prompts(source, retriever, llm, opts):
            if isinstance(p, Exception):
                click.echo(f"===== {p}")
                continue
            click.echo(f"===== unit {p.unit} ({p.format}, ~{p.tokens} tokens, "
                       f"retrieved: {', '.join(p.retrieved) or 'none'}) =====")
            click.echo(p.text())
        return
    ensure_backend_usable(llm)
    verify_opts = None
    if plan.verify:
        from .verify import VerifyOptions, load_spec

        verify_opts = VerifyOptions(entry=entry, spec=load_spec(inputs) if inputs else None, timeout=timeout)
    on_fix, saved = None, []
    if plan.verify and (learn_fixes or settings.learn_fixes):
        from .learn import save_fix
        from .resources import user_corpus_dir

        def on_fix(unit, wrong, rep, fixed):
            saved.append(save_fix(user_corpus_dir(), unit, source.context, wrong, rep, fixed))
            click.echo(f"{'saved' if saved[-1].added else 'already known'}: fix {saved[-1].entry_id}", err=True)
    report = translate_and_verify(source, llm, retriever, opts, verify_opts, plan.repair, on_fix)
    if any(s.added for s in saved) and plan.retrieval:
        click.echo(_refresh_index(settings, corpus, index_dir) or "", err=True)
    write_atomic(out_path, report.code)
    for rec in report.units:
        if as_json:
            click.echo(json.dumps(rec.to_dict()))
        else:
            extra = f": {rec.message}" if rec.message else ""
            check = f", {rec.verified} after {rec.rounds} round(s)" if rec.verified else ""
            click.echo(f"{rec.unit}: {rec.status}{check} ({len(rec.retrieved)} retrieved, {rec.seconds:.1f}s){extra}")
            if rec.error:
                click.echo("  " + rec.error.replace("\n", "\n  "))
    if not as_json:
        click.echo(f"wrote {out_path}")
    if not report.ok:
        sys.exit(1)


def _refresh_index(settings, corpus, index_dir) -> str | None:
    """Bring an existing index up to date after the corpus changed (only new entries are embedded)."""
    from .index import build_index, read_manifest

    path = settings.resolved_index_dir(index_dir)
    manifest = read_manifest(path)
    if manifest is None:
        return None
    dirs, origins = settings.corpus_dirs(corpus)
    summary = build_index(dirs, path, manifest["model"], origins=origins, progress=False)
    return f"index {path} updated ({summary.embedded} embedded)"


@main.command("learn")
@click.argument("torch_file", type=click.Path())
@click.argument("jax_file", type=click.Path())
@click.option("--note", default=None, help="A sentence on what the fix was; shown to the model with the pair.")
@click.option("--corpus", "target", type=click.Path(file_okay=False), default=None,
              help="User corpus directory to add to (default ~/.t2j-rag/corpus).")
@click.option("--entry", default=None, help="Class or function to verify.")
@click.option("--inputs", "inputs", type=click.Path(), default=None, help="JSON input spec.")
@index_option
@handle_errors
def learn_cmd(torch_file, jax_file, note, target, entry, inputs, index_dir):
    """Verify a PyTorch file and its JAX translation; if they pass, add them to your corpus."""
    from pathlib import Path

    from .learn import learn_pair
    from .resources import user_corpus_dir
    from .verify import VerifyOptions, load_spec

    settings = _settings()
    corpus_dir = Path(target).expanduser() if target else user_corpus_dir()
    result = learn_pair(torch_file, jax_file, corpus_dir, note,
                        VerifyOptions(entry=entry, spec=load_spec(inputs) if inputs else None))
    click.echo(f"{'learned' if result.added else 'already learned'}: {result.entry_id} ({result.path})")
    refreshed = _refresh_index(settings, [target] if target else [], index_dir)
    if refreshed:
        click.echo(refreshed)


@main.group("corpus")
def corpus_group() -> None:
    """Inspect the corpus and prune your own entries."""


def _all_entries(settings, corpus):
    from .corpus import load_corpus

    dirs, origins = settings.corpus_dirs(corpus)
    return load_corpus(dirs, origins)


@corpus_group.command("list")
@corpus_option
@click.option("--user", "only_user", is_flag=True, help="Only your own entries.")
@click.option("--json", "as_json", is_flag=True, help="One JSON record per entry.")
@handle_errors
def corpus_list_cmd(corpus, only_user, as_json):
    """List corpus entries: id, kind, origin, title."""
    for e in _all_entries(_settings(), corpus):
        if only_user and e.origin != "user":
            continue
        if as_json:
            click.echo(json.dumps({"id": e.id, "kind": e.kind, "origin": e.origin, "title": e.title, "path": e.path}))
        else:
            click.echo(f"{e.id:<48} {e.kind:<5} {e.origin:<8} {e.title}")


@corpus_group.command("show")
@click.argument("entry_id")
@corpus_option
@handle_errors
def corpus_show_cmd(entry_id, corpus):
    """Print one entry's file."""
    from pathlib import Path

    from .errors import CorpusError

    entry = next((e for e in _all_entries(_settings(), corpus) if e.id == entry_id), None)
    if entry is None:
        raise CorpusError(f"no corpus entry with id {entry_id!r}")
    click.echo(Path(entry.path).read_text(encoding="utf-8"), nl=False)


@corpus_group.command("remove")
@click.argument("entry_id")
@corpus_option
@index_option
@handle_errors
def corpus_remove_cmd(entry_id, corpus, index_dir):
    """Delete one of your own entries (shipped entries cannot be removed) and update the index."""
    from .learn import remove_entry

    settings = _settings()
    entry = remove_entry(entry_id, _all_entries(settings, corpus))
    click.echo(f"removed {entry.id} ({entry.path})")
    refreshed = _refresh_index(settings, corpus, index_dir)
    if refreshed:
        click.echo(refreshed)


@main.command("verify")
@click.argument("torch_file", type=click.Path())
@click.argument("jax_file", type=click.Path())
@click.option("--entry", default=None, help="Class or function to compare (default: Model, or the only outermost one).")
@click.option("--inputs", "inputs", type=click.Path(), default=None, help="JSON input spec (instead of get_inputs()).")
@click.option("--rtol", type=float, default=None, help="Relative tolerance for float outputs (default 1e-4).")
@click.option("--atol", type=float, default=None, help="Absolute tolerance for float outputs (default 1e-5).")
@click.option("--grad", is_flag=True, help="Also compare gradients w.r.t. float inputs and parameters.")
@click.option("--train", is_flag=True, help="Compare a training-mode forward (where it is deterministic).")
@click.option("--timeout", type=click.FloatRange(1, 86400), default=120.0, show_default=True, help="Seconds.")
@click.option("--memory-mb", type=click.IntRange(256, 1 << 20), default=8192, show_default=True)
@click.option("--max-steps", type=click.IntRange(1, 1_000_000), default=20, show_default=True,
              help="Without get_inputs(): stop both programs after N optimizer steps.")
@click.option("--max-seconds", type=click.FloatRange(1, 86400), default=60.0, show_default=True,
              help="Without get_inputs(): time budget of each program run.")
@click.option("--capture-mb", type=click.FloatRange(1, 1 << 20), default=256.0, show_default=True,
              help="Without get_inputs(): megabytes of captured tensors kept (bigger inputs are drawn).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handle_errors
def verify_cmd(torch_file, jax_file, entry, inputs, rtol, atol, grad, train, timeout, memory_mb, max_steps,
               max_seconds, capture_mb, as_json):
    """Run TORCH_FILE and its translation JAX_FILE on the same inputs and weights, and compare.

    Without get_inputs() or --inputs, the original is run (capped) to capture what it feeds its modules;
    every module, function, training step and the run itself are then checked.
    """
    from .verify import VerifyOptions, load_spec, verify_files

    opts = VerifyOptions(entry=entry, spec=load_spec(inputs) if inputs else None, rtol=rtol, atol=atol, grad=grad,
                         train=train, timeout=timeout, memory_mb=memory_mb, max_steps=max_steps,
                         max_seconds=max_seconds, capture_mb=capture_mb)
    report = verify_files(torch_file, jax_file, opts)
    if as_json:
        click.echo(json.dumps(report.to_dict()))
    else:
        err = f" (max abs err {report.max_abs_err:.2g})" if report.max_abs_err is not None else ""
        click.echo(f"{'PASS' if report.passed else 'FAIL'} {report.entry} [{report.stage}]{err}")
        if not report.passed:
            click.echo(report.message)
        for line in report.summary_lines() if hasattr(report, "summary_lines") else []:
            click.echo(line)
        for f in report.findings:
            click.echo(f"lint {f.rule} line {f.line}: {f.message}" + (f" (see note {f.note})" if f.note else ""))
    if not report.passed:
        sys.exit(1)


@main.command("convert-weights")
@click.argument("checkpoint", type=click.Path())
@click.argument("torch_file", type=click.Path())
@click.argument("jax_file", type=click.Path())
@click.option("-o", "--output", type=click.Path(), required=True, help="Where to write the Flax state (msgpack).")
@click.option("--entry", default=None, help="Module class to build (default: Model, or the only outermost one).")
@click.option("--init-args", default=None, help="JSON list of constructor arguments (default: get_init_inputs()).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--timeout", type=click.FloatRange(1, 86400), default=300.0, show_default=True, help="Seconds.")
@handle_errors
def convert_weights_cmd(checkpoint, torch_file, jax_file, output, entry, init_args, force, timeout):
    """Convert a PyTorch state_dict CHECKPOINT for TORCH_FILE's module into JAX_FILE's NNX module."""
    from .convert import convert_checkpoint

    summary = convert_checkpoint(checkpoint, torch_file, jax_file, output, entry, init_args, force, timeout)
    click.echo(f"wrote {output}: {summary['parameters']} parameters from {summary['tensors']} tensors "
               f"({summary['bytes']} bytes)")


# `t2j-rag eval`: its options live with the evaluation package; the module imports only click.
from .evaluation.command import make_eval_command  # noqa: E402

main.add_command(make_eval_command(handle_errors))


if __name__ == "__main__":
    main()
