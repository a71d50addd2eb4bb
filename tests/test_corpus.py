"""The shipped corpus: format, counts, API declarations, and every pair checked equivalent."""

import ast
import re

import pytest

from t2j_rag.apis import api_matches, extract_apis
from t2j_rag.corpus import corpus_fingerprint, load_corpus, parse_entry
from t2j_rag.sandbox import Limits, Worker
from t2j_rag.verify import VerifyOptions, verify_code
from t2j_rag.errors import CorpusError
from t2j_rag.resources import shipped_corpus_dir

ENTRIES = load_corpus([shipped_corpus_dir()])
PAIRS = [e for e in ENTRIES if e.kind == "pair"]
NOTES = [e for e in ENTRIES if e.kind == "note"]


def test_counts():
    assert len(PAIRS) >= 80
    assert len(NOTES) >= 50


@pytest.mark.parametrize("note", NOTES, ids=lambda e: e.id)
def test_note_is_complete(note):
    assert note.torch_apis and note.jax_apis
    for section in ("What differs", "Wrong", "Right"):
        assert re.search(rf"^##\s+{section}", note.body, re.M)
    wrong = note.body.split("## Wrong", 1)[1].split("## Right", 1)[0]
    right = note.body.split("## Right", 1)[1]
    for part in (wrong, right):
        blocks = re.findall(r"```python\n(.*?)```", part, re.S)
        assert blocks, "Wrong and Right each need a python block"
        for b in blocks:
            ast.parse(b)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda e: e.id)
def test_pair_declares_apis_it_uses(pair):
    """Exact-match retrieval relies on torch_apis; at least one must be what the code really calls."""
    used = extract_apis(pair.torch_code)
    assert pair.torch_apis
    assert any(api_matches(p, u) for p in pair.torch_apis for u in used), (pair.torch_apis, used)
    assert "def get_inputs" in pair.torch_code


@pytest.fixture(scope="module")
def worker():
    """One warm sandbox worker checks the whole corpus (it restarts itself after a failure)."""
    with Worker(Limits(timeout=300)) as w:
        yield w


@pytest.mark.slow
@pytest.mark.parametrize("pair", PAIRS, ids=lambda e: e.id)
def test_pair_passes_the_verifier(pair, worker):
    report = verify_code(pair.torch_code, pair.jax_code, VerifyOptions(entry=pair.entry, rtol=pair.rtol, atol=pair.atol),
                         worker)
    assert report.passed, f"{report.stage}: {report.message}"


@pytest.mark.parametrize("pair", PAIRS, ids=lambda e: e.id)
def test_jax_side_does_not_use_torch(pair):
    tree = ast.parse(pair.jax_code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "torch" for a in node.names)
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "torch"


def test_fingerprint_tracks_content():
    fp = corpus_fingerprint(ENTRIES)
    changed = [ENTRIES[0].__class__(**{**ENTRIES[0].__dict__, "content_hash": "x"}), *ENTRIES[1:]]
    assert corpus_fingerprint(changed) != fp
    assert corpus_fingerprint(list(reversed(ENTRIES))) == fp


GOOD_NOTE = '+++\nid = "n"\ntitle = "t"\ntorch_apis = ["torch.abs"]\n+++\n## What differs\nx\n## Wrong\n```python\na\n```\n## Right\n```python\nb\n```\n'


@pytest.mark.parametrize("text,needle", [
    ("no front matter", "front matter"),
    ('+++\nid = \n+++\n', "bad front matter"),
    (GOOD_NOTE.replace('id = "n"\n', ""), "lacks 'id'"),
    (GOOD_NOTE.replace('id = "n"', 'id = "Bad Id"'), "id must be"),
    (GOOD_NOTE.replace('torch_apis = ["torch.abs"]', 'torch_apis = "torch.abs"'), "list of strings"),
    (GOOD_NOTE.replace("## Wrong", "## Mistake"), "## Wrong"),
])
def test_malformed_notes_are_rejected(text, needle):
    with pytest.raises(CorpusError, match=re.escape(needle)):
        parse_entry(text, "notes/x.md")


def test_pair_needs_both_blocks_and_ids_are_unique(tmp_path):
    with pytest.raises(CorpusError, match="python jax"):
        parse_entry('+++\nid = "p"\ntitle = "t"\ntorch_apis = []\n+++\n```python torch\nx = 1\n```\n', "pairs/p.md")
    for sub in ("a", "b"):
        d = tmp_path / sub / "notes"
        d.mkdir(parents=True)
        (d / "n.md").write_text(GOOD_NOTE)
    with pytest.raises(CorpusError, match="duplicate id 'n'"):
        load_corpus([tmp_path / "a", tmp_path / "b"])
    assert parse_entry(GOOD_NOTE, "notes/n.md").kind == "note"
