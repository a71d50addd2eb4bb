"""Learning from fixes: verified pairs and repaired translations grow the user's corpus.

`learn_pair` verifies a PyTorch file and its JAX translation and, only if they
pass, writes them as a pair entry into the user's corpus directory (never the
shipped one). `save_fix` records a repaired unit as a bug -> fix entry: the
PyTorch unit, the failing translation, the verifier's error, and the verified
fix, so later prompts show the model the mistake and its correction.

Entry ids are derived from the content, so learning the same thing twice finds
the existing entry instead of adding a copy. After a change the index is
updated incrementally (only the new entry is embedded).

Example::

    result = learn_pair("block.py", "block_jax.py", corpus_dir, note="BN momentum was the catch")
    result.added, result.entry_id     # (True, "user-block-3f2a9c1e")
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .apis import extract_apis
from .corpus import Entry, load_corpus
from .errors import CorpusError, InputError
from .translate import write_atomic
from .verify import VerifyOptions, VerifyReport, has_inputs, read_text_file, verify_code


class VerificationRefused(InputError):
    """The pair did not pass the verifier, so it is not learned."""

    exit_code = 1


@dataclass
class LearnResult:
    added: bool
    entry_id: str
    path: str
    report: VerifyReport | None = None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "entry"


def jax_apis_of(code: str) -> list[str]:
    """Dotted names rooted at jax / jnp / nnx / optax used in `code` (for the entry's jax_apis)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    roots = {"jax", "jnp", "nnx", "optax", "flax"}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts = []
            cur = node
            while isinstance(cur, ast.Attribute):
                parts.append(cur.attr)
                cur = cur.value
            if isinstance(cur, ast.Name) and cur.id in roots:
                found.add(".".join([cur.id, *reversed(parts)]))
    return sorted(found)


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def _content_id(prefix: str, name: str, *parts: str) -> str:
    digest = hashlib.sha256("\0".join(p.strip() for p in parts).encode()).hexdigest()[:10]
    return f"{prefix}-{_slug(name)}-{digest}"


def _existing(corpus_dir: Path, entry_id: str) -> Entry | None:
    if not corpus_dir.is_dir():
        return None
    return next((e for e in load_corpus([corpus_dir], ["user"]) if e.id == entry_id), None)


def _check_user_dir(corpus_dir: Path) -> None:
    from .resources import shipped_corpus_dir

    if corpus_dir.resolve() == shipped_corpus_dir().resolve():
        raise CorpusError("refusing to write into the shipped corpus; learn writes to a user corpus directory")


def learn_pair(torch_file, jax_file, corpus_dir: Path, note: str | None = None, opts: VerifyOptions | None = None,
               worker=None) -> LearnResult:
    """Verify, then add as a pair entry under `corpus_dir/pairs/learned/`. Refuses a failing pair."""
    corpus_dir = Path(corpus_dir)
    _check_user_dir(corpus_dir)
    torch_code, jax_code = read_text_file(torch_file, "PyTorch"), read_text_file(jax_file, "JAX")
    if (opts is None or (opts.spec is None and opts.entry is None)) and not has_inputs(torch_code):
        raise InputError("not learned: a pair entry needs inputs (get_inputs() in the PyTorch file, or --inputs)")
    report = verify_code(torch_code, jax_code, opts, worker)
    if not report.passed:
        first = report.message.strip().splitlines()[-1] if report.message.strip() else ""
        raise VerificationRefused(f"not learned: verification failed at stage {report.stage}: {first}")
    entry_id = _content_id("user", Path(torch_file).stem, torch_code, jax_code)
    found = _existing(corpus_dir, entry_id)
    if found is not None:
        return LearnResult(False, entry_id, found.path, report)
    title = f"{report.entry} from {Path(torch_file).name} (learned)"
    front = "\n".join([
        f"id = {_toml_str(entry_id)}",
        f"title = {_toml_str(title)}",
        f"torch_apis = {_toml_list(extract_apis(torch_code))}",
        f"jax_apis = {_toml_list(jax_apis_of(jax_code))}",
        'tags = ["learned"]',
        f"entry = {_toml_str(report.entry)}",
    ])
    body = (note.strip() + "\n\n") if note else f"A verified translation of `{report.entry}`, learned from a user fix.\n\n"
    text = f"+++\n{front}\n+++\n{body}```python torch\n{torch_code.rstrip()}\n```\n\n```python jax\n{jax_code.rstrip()}\n```\n"
    path = corpus_dir / "pairs" / "learned" / f"{entry_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    return LearnResult(True, entry_id, str(path), report)


def save_fix(corpus_dir: Path, unit, context: str, wrong_code: str, report: VerifyReport | None, fixed_code: str) -> LearnResult:
    """Record a repaired unit as a bug -> fix entry (once: the same fix is not added twice)."""
    corpus_dir = Path(corpus_dir)
    _check_user_dir(corpus_dir)
    entry_id = _content_id("fix", unit.name, unit.source, wrong_code, fixed_code)
    found = _existing(corpus_dir, entry_id)
    if found is not None:
        return LearnResult(False, entry_id, found.path, report)
    error = "" if report is None else f"{report.stage}: {report.message.strip()}"
    torch_code = (context.strip() + "\n\n\n" if context.strip() else "") + unit.source.rstrip()
    front = "\n".join([
        f"id = {_toml_str(entry_id)}",
        f"title = {_toml_str(f'Fix for {unit.name}: ' + (report.stage if report else 'failure'))}",
        f"torch_apis = {_toml_list(unit.apis)}",
        f"jax_apis = {_toml_list(jax_apis_of(fixed_code))}",
        'tags = ["fix", "learned"]',
        f"entry = {_toml_str(unit.name)}",
        f"error = {_toml_str(error[:2000])}",
    ])
    text = (f"+++\n{front}\n+++\nA translation of `{unit.name}` failed verification ({error.splitlines()[0] if error else 'unknown'});"
            f" the repaired version passed.\n\n```python torch\n{torch_code}\n```\n\n```python wrong\n{wrong_code.rstrip()}\n```\n\n"
            f"```python jax\n{fixed_code.rstrip()}\n```\n")
    path = corpus_dir / "fixes" / f"{entry_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    return LearnResult(True, entry_id, str(path), report)


def remove_entry(entry_id: str, entries: list[Entry]) -> Entry:
    """Delete a user entry's file; shipped entries cannot be removed this way."""
    entry = next((e for e in entries if e.id == entry_id), None)
    if entry is None:
        raise CorpusError(f"no corpus entry with id {entry_id!r}")
    if entry.origin != "user":
        raise CorpusError(f"{entry_id} is a shipped entry; only entries in your own corpus can be removed")
    Path(entry.path).unlink()
    return entry
