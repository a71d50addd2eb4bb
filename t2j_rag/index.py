"""The FAISS index over the corpus: incremental build, atomic writes, checked loads.

On disk an index directory holds one generation of three files plus a manifest::

    manifest.json          model identity, dim, corpus fingerprint, file names + sha256
    entries.<gen>.jsonl    one corpus entry per line (what the prompt shows)
    vectors.<gen>.faiss    IndexFlatIP over L2-normalised embeddings (cosine)

A build writes the new generation's files first and replaces `manifest.json`
last with `os.replace`, so a build killed halfway leaves the previous manifest
and the files it names untouched. A load checks every file's hash, the model
identity and (optionally) the corpus fingerprint, so a corrupt, partial, stale or
foreign-model index is an error, never silently wrong results.

Exact (flat) search is the right trade-off here: a corpus of a few thousand
entries is searched in well under a millisecond, with no training step and no
approximation to explain.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .corpus import Entry, corpus_fingerprint, load_corpus
from .embed import Embedder, model_identity
from .errors import IndexError_

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


@dataclass
class BuildSummary:
    entries: int
    pairs: int
    notes: int
    fixes: int
    embedded: int
    model: str
    dim: int
    seconds: float
    index_dir: str
    changed: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class LoadedIndex:
    index_dir: Path
    manifest: dict
    entries: list[Entry]
    vectors: np.ndarray  # (n, dim) float32, L2-normalised
    faiss_index: object = field(repr=False, default=None)

    @property
    def model(self) -> str:
        return self.manifest["model"]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _faiss():
    try:
        import faiss
    except ImportError:
        raise IndexError_("the index needs faiss (pip install faiss-cpu)") from None
    return faiss


def read_manifest(index_dir: Path) -> dict | None:
    path = Path(index_dir) / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IndexError_(f"index at {index_dir} is corrupt (unreadable manifest); rebuild it with t2j-rag build-index") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise IndexError_(f"index at {index_dir} has an unknown format; rebuild it with t2j-rag build-index")
    return manifest


def load_index(index_dir: Path | str, model: str | None = None, expect_fingerprint: str | None = None) -> LoadedIndex:
    """Load and check an index. `model`: the embedding model the caller will query with."""
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexError_(f"no index at {index_dir}; build it with: t2j-rag build-index --index-dir {index_dir}")
    if model is not None and model_identity(model) != manifest["model_identity"]:
        raise IndexError_(f"index at {index_dir} was built with embedding model {manifest['model']!r}, not {model!r}; "
                          "rebuild it with t2j-rag build-index --model ...")
    if expect_fingerprint is not None and expect_fingerprint != manifest["corpus_fingerprint"]:
        raise IndexError_(f"index at {index_dir} is stale: the corpus changed since it was built; "
                          "run t2j-rag build-index")
    files = {}
    for role in ("entries", "vectors"):
        name, digest = manifest["files"][role]["name"], manifest["files"][role]["sha256"]
        path = index_dir / name
        if not path.exists() or _sha256(path) != digest:
            raise IndexError_(f"index at {index_dir} is corrupt or partial ({name} missing or changed); "
                              "rebuild it with t2j-rag build-index")
        files[role] = path
    entries = [Entry(**json.loads(line)) for line in files["entries"].read_text(encoding="utf-8").splitlines() if line]
    faiss = _faiss()
    try:
        fidx = faiss.read_index(str(files["vectors"]))
    except RuntimeError:
        raise IndexError_(f"index at {index_dir} is corrupt (unreadable vectors); rebuild it") from None
    if fidx.ntotal != len(entries) or fidx.d != manifest["dim"]:
        raise IndexError_(f"index at {index_dir} is inconsistent ({fidx.ntotal} vectors, {len(entries)} entries); rebuild it")
    vectors = fidx.reconstruct_n(0, fidx.ntotal) if fidx.ntotal else np.zeros((0, fidx.d), np.float32)
    return LoadedIndex(index_dir, manifest, entries, np.asarray(vectors, dtype=np.float32), fidx)


def _previous_vectors(index_dir: Path, identity: str) -> dict[str, np.ndarray]:
    """content_hash -> vector from the current generation, when it used the same model."""
    try:
        old = load_index(index_dir)
    except IndexError_:
        return {}
    if old.manifest["model_identity"] != identity:
        return {}
    return {e.content_hash: old.vectors[i] for i, e in enumerate(old.entries)}


def build_index(corpus_dirs: list[Path | str], index_dir: Path | str, model: str | None = None,
                origins: list[str] | None = None, progress: bool = True, embedder: Embedder | None = None) -> BuildSummary:
    """Embed what changed and write a new generation; a no-op when nothing changed."""
    start = time.perf_counter()
    index_dir = Path(index_dir)
    entries = load_corpus(corpus_dirs, origins)
    if not entries:
        raise IndexError_("the corpus is empty: nothing to index")
    fingerprint = corpus_fingerprint(entries)
    identity = embedder.identity if embedder is not None else model_identity(model)
    counts = {k: sum(e.kind == k for e in entries) for k in ("pair", "note", "fix")}

    manifest = None
    try:
        manifest = read_manifest(index_dir)
    except IndexError_:
        manifest = None  # corrupt: rebuild from scratch
    if (manifest and manifest["model_identity"] == identity and manifest["corpus_fingerprint"] == fingerprint):
        try:
            load_index(index_dir)  # same corpus and model, and the files are intact: nothing to do
            return BuildSummary(len(entries), counts["pair"], counts["note"], counts["fix"], 0, manifest["model"],
                                manifest["dim"], time.perf_counter() - start, str(index_dir), changed=False)
        except IndexError_:
            pass

    reuse = _previous_vectors(index_dir, identity)
    todo = [i for i, e in enumerate(entries) if e.content_hash not in reuse]
    if embedder is None:
        embedder = Embedder(model)
    if todo:
        new_vecs = embedder.encode([entries[i].embedding_text() for i in todo], progress=progress)
        dim = new_vecs.shape[1]
    else:
        new_vecs = None
        dim = int(next(iter(reuse.values())).shape[0])
    vectors = np.zeros((len(entries), dim), dtype=np.float32)
    fresh = dict(zip(todo, new_vecs)) if new_vecs is not None else {}
    for i, e in enumerate(entries):
        vectors[i] = fresh[i] if i in fresh else reuse[e.content_hash]

    faiss = _faiss()
    fidx = faiss.IndexFlatIP(dim)
    fidx.add(vectors)
    index_dir.mkdir(parents=True, exist_ok=True)
    gen = uuid.uuid4().hex[:12]
    entries_path = index_dir / f"entries.{gen}.jsonl"
    vectors_path = index_dir / f"vectors.{gen}.faiss"
    _write_atomic(entries_path, "".join(json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in entries).encode("utf-8"))
    _write_atomic(vectors_path, faiss.serialize_index(fidx).tobytes())
    new_manifest = {
        "format": FORMAT_VERSION,
        "model": embedder.name,
        "model_identity": identity,
        "dim": dim,
        "corpus_fingerprint": fingerprint,
        "corpus_dirs": [str(d) for d in corpus_dirs],
        "counts": counts,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": {
            "entries": {"name": entries_path.name, "sha256": _sha256(entries_path)},
            "vectors": {"name": vectors_path.name, "sha256": _sha256(vectors_path)},
        },
    }
    _write_atomic(index_dir / MANIFEST, json.dumps(new_manifest, indent=2).encode("utf-8"))
    _remove_old_generations(index_dir, keep={entries_path.name, vectors_path.name})
    return BuildSummary(len(entries), counts["pair"], counts["note"], counts["fix"], len(todo), embedder.name, dim,
                        time.perf_counter() - start, str(index_dir))


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    for path in index_dir.iterdir():
        stale_gen = path.name.startswith(("entries.", "vectors.")) and path.name not in keep
        stale_tmp = path.name.startswith(".") and path.name.endswith(".tmp")
        if stale_gen or stale_tmp:
            try:
                path.unlink()
            except OSError:
                pass
