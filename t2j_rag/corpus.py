"""Corpus entries: PyTorch<->JAX example pairs and API-difference notes.

An entry is one Markdown file with TOML front matter between `+++` lines, so a
person can read and review it on its own and a diff shows exactly what changed.

Pair (`corpus/pairs/<topic>/<slug>.md`)::

    +++
    id = "linear-gelu-exact"
    title = "Linear followed by exact GELU"
    torch_apis = ["torch.nn.Linear", "torch.nn.GELU"]
    jax_apis = ["flax.nnx.Linear", "jax.nn.gelu"]
    tags = ["activation"]
    entry = "Model"          # optional: class or function compared (default Model)
    rtol = 1e-4              # optional tolerances for the verifier
    atol = 1e-5
    +++
    One paragraph: what the example shows.

    ```python torch
    ... defines Model (or the entry function), get_inputs(), get_init_inputs()
    ```

    ```python jax
    ... defines the same name with Flax NNX / jax.numpy
    ```

Note (`corpus/notes/<slug>.md`): the same front matter (no entry/tolerances)
and a Markdown body with the sections `## What differs`, `## Wrong` and
`## Right` (each of the last two holding a fenced python block).

Fix (`fixes/<slug>.md`, written by `t2j-rag learn` and the repair loop in a
user corpus): a bug -> fix record with ```python torch```, ```python wrong```
(the failing translation) and ```python jax``` (the verified fix) blocks and
the verifier's error in the front matter (`error = "..."`).

The trade-off: Markdown with front matter is slower to parse than one big JSON
file, but a corpus of a few hundred entries parses in milliseconds and every
entry stays a reviewable file.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError

KINDS = ("pair", "note", "fix")
NOTE_SECTIONS = ("What differs", "Wrong", "Right")

_FRONT = re.compile(r"\A\+\+\+\s*\n(.*?)\n\+\+\+\s*\n", re.S)
_FENCE = re.compile(r"^```python[ \t]*(\w*)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass
class Entry:
    """One corpus entry. `content_hash` changes whenever the file's bytes change."""

    id: str
    kind: str
    title: str
    path: str
    torch_apis: list[str]
    jax_apis: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    body: str = ""  # Markdown outside the torch/jax code blocks
    torch_code: str = ""
    jax_code: str = ""
    entry: str = "Model"
    rtol: float | None = None
    atol: float | None = None
    origin: str = "shipped"  # "shipped" or "user"
    content_hash: str = ""
    extra: dict = field(default_factory=dict)

    def embedding_text(self) -> str:
        """What the dense retriever embeds: title, APIs, prose and the PyTorch side."""
        parts = [self.title, " ".join(self.torch_apis), self.body.strip()]
        if self.torch_code:
            parts.append(self.torch_code.strip())
        return "\n".join(p for p in parts if p)


def parse_entry(text: str, path: str = "<string>", kind: str | None = None, origin: str = "shipped") -> Entry:
    """Parse one entry file's text.

    >>> e = parse_entry('+++\\nid = "x"\\ntitle = "T"\\ntorch_apis = ["torch.abs"]\\n+++\\n'
    ...     '## What differs\\nsign\\n## Wrong\\n```python\\na\\n```\\n## Right\\n```python\\nb\\n```\\n', kind="note")
    >>> (e.id, e.kind, e.torch_apis)
    ('x', 'note', ['torch.abs'])
    """
    m = _FRONT.match(text)
    if not m:
        raise CorpusError(f"{path}: no TOML front matter between '+++' lines at the top")
    try:
        meta = tomllib.loads(m.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: bad front matter: {exc}") from None
    rest = text[m.end():]
    kind = meta.pop("kind", kind or _kind_from_parts(Path(path).parts))
    if kind not in KINDS:
        raise CorpusError(f"{path}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    for key in ("id", "title", "torch_apis"):
        if key not in meta:
            raise CorpusError(f"{path}: front matter lacks '{key}'")
    if not isinstance(meta["id"], str) or not _ID.match(meta["id"]):
        raise CorpusError(f"{path}: id must be lower-case letters, digits, '.', '_' or '-': {meta['id']!r}")
    for key in ("torch_apis", "jax_apis", "tags"):
        value = meta.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CorpusError(f"{path}: '{key}' must be a list of strings")

    torch_code = jax_code = ""
    body = rest
    extra = {}
    if kind in ("pair", "fix"):
        code_langs = ("torch", "jax", "wrong") if kind == "fix" else ("torch", "jax")
        blocks = {lang: code for lang, code in _FENCE.findall(rest) if lang in code_langs}
        if "torch" not in blocks or "jax" not in blocks:
            raise CorpusError(f"{path}: a {kind} needs a ```python torch and a ```python jax block")
        if kind == "fix" and "wrong" not in blocks:
            raise CorpusError(f"{path}: a fix needs a ```python wrong block (the failing translation)")
        torch_code, jax_code = blocks["torch"], blocks["jax"]
        if kind == "fix":
            extra["wrong_code"] = blocks["wrong"]
        body = _FENCE.sub(lambda mm: "" if mm.group(1) in code_langs else mm.group(0), rest)
    if kind == "note":
        missing = [s for s in NOTE_SECTIONS if not re.search(rf"^##\s+{re.escape(s)}\b", rest, re.M)]
        if missing:
            raise CorpusError(f"{path}: note lacks section(s): {', '.join('## ' + s for s in missing)}")

    if "rules" in meta:
        # Mapping data for the rules engine: checked here so a bad table fails at load, naming the file.
        from .rules.schema import parse_rules

        parse_rules(meta["rules"], list(meta["torch_apis"]), path, meta["id"])
    known = {"id", "title", "torch_apis", "jax_apis", "tags", "entry", "rtol", "atol"}
    return Entry(
        id=meta["id"],
        kind=kind,
        title=meta["title"],
        path=path,
        torch_apis=list(meta["torch_apis"]),
        jax_apis=list(meta.get("jax_apis", [])),
        tags=list(meta.get("tags", [])),
        body=body.strip(),
        torch_code=torch_code,
        jax_code=jax_code,
        entry=meta.get("entry", "Model"),
        rtol=meta.get("rtol"),
        atol=meta.get("atol"),
        origin=origin,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        extra={**extra, **{k: v for k, v in meta.items() if k not in known}},
    )


_DIR_KINDS = {"pairs": "pair", "notes": "note", "fixes": "fix"}


def _kind_from_parts(parts) -> str | None:
    for part in reversed(parts):
        if part in _DIR_KINDS:
            return _DIR_KINDS[part]
    return None


def _kind_from_path(path: Path, root: Path) -> str | None:
    return _kind_from_parts(path.relative_to(root).parts[:1])


def load_corpus(dirs: list[Path | str], origins: list[str] | None = None) -> list[Entry]:
    """Load every `*.md` entry under each corpus directory, sorted by id.

    A directory holds `pairs/`, `notes/` and (for learned fixes) `fixes/`; the
    kind can also be given in the front matter. Ids must be unique across all
    directories, so a user entry cannot silently shadow a shipped one.
    """
    entries: dict[str, Entry] = {}
    for i, d in enumerate(dirs):
        root = Path(d)
        if not root.is_dir():
            raise CorpusError(f"corpus directory not found: {root}")
        origin = origins[i] if origins else "shipped"
        for path in sorted(root.rglob("*.md")):
            if path.name.lower() == "readme.md":
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise CorpusError(f"{path}: not UTF-8 text") from None
            entry = parse_entry(text, str(path), kind=_kind_from_path(path, root), origin=origin)
            if entry.id in entries:
                raise CorpusError(f"{path}: duplicate id {entry.id!r} (also in {entries[entry.id].path})")
            entries[entry.id] = entry
    return [entries[k] for k in sorted(entries)]


def corpus_fingerprint(entries: list[Entry]) -> str:
    """One hash over all entries' ids and content hashes (order-independent)."""
    h = hashlib.sha256()
    for e in sorted(entries, key=lambda e: e.id):
        h.update(f"{e.id}\0{e.content_hash}\n".encode())
    return h.hexdigest()
