import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from index_fixtures import NOTE_BODY, write_entry
from t2j_rag.embed import Embedder
from t2j_rag.errors import IndexError_
from t2j_rag.index import MANIFEST, build_index, load_index


class CountingEmbedder(Embedder):
    """A real embedder that records how many texts it was asked to embed."""

    def __init__(self, inner):
        super().__init__(inner.name)
        self._model = inner._load()
        self.calls = []

    def encode(self, texts, batch_size=32, progress=False):
        self.calls.append(list(texts))
        return super().encode(texts, batch_size, progress)


class BrokenEmbedder(CountingEmbedder):
    def encode(self, texts, batch_size=32, progress=False):
        raise RuntimeError("killed halfway")


@pytest.mark.slow
def test_build_writes_manifest_and_summary(tiny_corpus, tmp_path, embedder):
    idx = tmp_path / "idx"
    s = build_index([tiny_corpus], idx, progress=False, embedder=embedder)
    assert (s.entries, s.pairs, s.notes, s.embedded, s.dim) == (5, 2, 3, 5, 384)
    manifest = json.loads((idx / MANIFEST).read_text())
    assert manifest["dim"] == 384 and manifest["counts"] == {"pair": 2, "note": 3, "fix": 0}
    loaded = load_index(idx)
    assert [e.id for e in loaded.entries] == ["n-abs", "n-inplace", "n-std", "p-relu", "p-tanh"]
    assert loaded.vectors.shape == (5, 384)
    assert np.allclose(np.linalg.norm(loaded.vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_incremental_rebuild_embeds_only_changes(tiny_corpus, tmp_path, embedder):
    idx = tmp_path / "idx"
    build_index([tiny_corpus], idx, progress=False, embedder=embedder)
    before = load_index(idx).vectors.copy()

    counting = CountingEmbedder(embedder)
    s = build_index([tiny_corpus], idx, progress=False, embedder=counting)
    assert s.embedded == 0 and not s.changed and counting.calls == []

    note = tiny_corpus / "notes" / "n-abs.md"
    note.write_text(note.read_text().replace("absolute value is the same", "abs maps to jnp.abs"))
    write_entry(tiny_corpus, "note", "n-new", 'id = "n-new"\ntitle = "new"\ntorch_apis = ["torch.sum"]',
                NOTE_BODY.format(text="dim becomes axis"))
    s = build_index([tiny_corpus], idx, progress=False, embedder=counting)
    assert s.embedded == 2 and s.entries == 6
    assert len(counting.calls) == 1 and len(counting.calls[0]) == 2
    after = load_index(idx)
    ids = [e.id for e in after.entries]
    # unchanged entries keep their vectors exactly
    assert np.array_equal(after.vectors[ids.index("n-std")], before[2])
    assert not np.allclose(after.vectors[ids.index("n-abs")], before[0])


@pytest.mark.slow
def test_model_mismatch_is_an_error(tiny_corpus, tmp_path, embedder):
    idx = tmp_path / "idx"
    build_index([tiny_corpus], idx, progress=False, embedder=embedder)
    with pytest.raises(IndexError_, match="built with embedding model"):
        load_index(idx, model="sentence-transformers/some-other-model")


@pytest.mark.slow
def test_stale_index_is_an_error(tiny_corpus, tmp_path, embedder):
    from t2j_rag.corpus import corpus_fingerprint, load_corpus

    idx = tmp_path / "idx"
    build_index([tiny_corpus], idx, progress=False, embedder=embedder)
    load_index(idx, expect_fingerprint=corpus_fingerprint(load_corpus([tiny_corpus])))
    write_entry(tiny_corpus, "note", "n-x", 'id = "n-x"\ntitle = "x"\ntorch_apis = ["torch.sum"]', NOTE_BODY.format(text="x"))
    with pytest.raises(IndexError_, match="stale"):
        load_index(idx, expect_fingerprint=corpus_fingerprint(load_corpus([tiny_corpus])))


@pytest.mark.slow
def test_missing_and_corrupt_index(tiny_corpus, tmp_path, embedder):
    with pytest.raises(IndexError_, match="no index"):
        load_index(tmp_path / "nothing")
    idx = tmp_path / "idx"
    build_index([tiny_corpus], idx, progress=False, embedder=embedder)
    manifest = json.loads((idx / MANIFEST).read_text())
    vec = idx / manifest["files"]["vectors"]["name"]
    vec.write_bytes(vec.read_bytes()[:100])
    with pytest.raises(IndexError_, match="corrupt"):
        load_index(idx)
    (idx / MANIFEST).write_text("{not json")
    with pytest.raises(IndexError_, match="corrupt"):
        load_index(idx)
    # a build over a corrupt index starts again from scratch
    s = build_index([tiny_corpus], idx, progress=False, embedder=embedder)
    assert s.embedded == 5 and len(load_index(idx).entries) == 5


@pytest.mark.slow
def test_build_killed_halfway_leaves_previous_index(tiny_corpus, tmp_path, embedder):
    idx = tmp_path / "idx"
    build_index([tiny_corpus], idx, progress=False, embedder=embedder)
    before = load_index(idx)
    write_entry(tiny_corpus, "note", "n-y", 'id = "n-y"\ntitle = "y"\ntorch_apis = ["torch.sum"]', NOTE_BODY.format(text="y"))
    with pytest.raises(RuntimeError, match="killed"):
        build_index([tiny_corpus], idx, progress=False, embedder=BrokenEmbedder(embedder))
    after = load_index(idx)
    assert [e.id for e in after.entries] == [e.id for e in before.entries]
    assert np.array_equal(after.vectors, before.vectors)


@pytest.mark.slow
def test_changed_model_reembeds_everything(tiny_corpus, tmp_path, embedder):
    idx = tmp_path / "idx"
    build_index([tiny_corpus], idx, progress=False, embedder=embedder)
    manifest = json.loads((idx / MANIFEST).read_text())
    manifest["model_identity"] = "some-older-model"
    (idx / MANIFEST).write_text(json.dumps(manifest))
    s = build_index([tiny_corpus], idx, progress=False, embedder=embedder)
    assert s.embedded == 5


# --------------------------------------------------------------------------- the checkout's index/ directory

REPO_INDEX_README = Path(__file__).resolve().parents[1] / "index" / "README.md"


class HashEmbedder:
    """A fake embedder: a fixed pseudo-random unit vector per text, no model to load."""

    name = identity = "hash-fake"

    def encode(self, texts, batch_size=32, progress=False):
        rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).standard_normal(8)
                for t in texts]
        vectors = np.asarray(rows, dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_the_tracked_readme_is_neither_an_index_nor_in_the_way(tiny_corpus, tmp_path):
    idx = tmp_path / "index"
    idx.mkdir()
    readme = idx / "README.md"
    readme.write_bytes(REPO_INDEX_README.read_bytes())
    with pytest.raises(IndexError_, match="no index at"):  # missing, not corrupt
        load_index(idx)
    first = build_index([tiny_corpus], idx, progress=False, embedder=HashEmbedder())
    assert first.embedded == 5 and len(load_index(idx).entries) == 5
    again = build_index([tiny_corpus], idx, progress=False, embedder=HashEmbedder())
    assert not again.changed
    (tiny_corpus / "notes" / "n-abs.md").write_text((tiny_corpus / "notes" / "n-abs.md").read_text() + "\nmore\n")
    assert build_index([tiny_corpus], idx, progress=False, embedder=HashEmbedder()).embedded == 1
    assert readme.read_bytes() == REPO_INDEX_README.read_bytes()
    names = {p.name for p in idx.iterdir()}
    assert {"README.md", MANIFEST} <= names and len(names) == 4  # the README, the manifest and one generation


def test_the_readme_names_what_build_index_writes():
    text = REPO_INDEX_README.read_text(encoding="utf-8")
    for name in (MANIFEST, "entries.<generation>.jsonl", "vectors.<generation>.faiss", "t2j-rag build-index"):
        assert name in text
