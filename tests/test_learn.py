"""Learning from fixes: verified pairs and repaired units become user corpus entries."""

import json
import shutil
import subprocess
import sys

import pytest

from t2j_rag.corpus import corpus_fingerprint, load_corpus
from t2j_rag.errors import CorpusError
from t2j_rag.index import build_index, load_index
from t2j_rag.learn import VerificationRefused, learn_pair, remove_entry, save_fix
from t2j_rag.resources import shipped_corpus_dir
from t2j_rag.retrieve import Retriever
from t2j_rag.sandbox import Limits, Worker
from t2j_rag.units import split_source
from t2j_rag.verify import VerifyOptions, VerifyReport

TORCH = '''import torch
import torch.nn as nn


class Gate(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.proj = nn.Linear(d, 2 * d)

    def forward(self, x):
        a, b = self.proj(x).chunk(2, dim=-1)
        return a * torch.sigmoid(b) + torch.special.erf(a)


def get_inputs():
    return [torch.randn(3, 5)]


def get_init_inputs():
    return [5]
'''

JAX = '''import jax
from flax import nnx


class Gate(nnx.Module):
    def __init__(self, d, *, rngs: nnx.Rngs):
        self.proj = nnx.Linear(d, 2 * d, rngs=rngs)

    def __call__(self, x):
        a, b = jax.numpy.split(self.proj(x), 2, axis=-1)
        return a * jax.nn.sigmoid(b) + jax.scipy.special.erf(a)
'''


@pytest.fixture(scope="module")
def worker():
    with Worker(Limits(timeout=120)) as w:
        yield w


@pytest.fixture
def files(tmp_path):
    (tmp_path / "gate.py").write_text(TORCH)
    (tmp_path / "gate_jax.py").write_text(JAX)
    (tmp_path / "gate_bad.py").write_text(JAX.replace("a * jax.nn.sigmoid(b)", "b * jax.nn.sigmoid(a)"))
    return tmp_path


@pytest.mark.slow
def test_learn_a_passing_pair_and_retrieve_it(files, worker, shipped_index, embedder):
    shipped_before = corpus_fingerprint(load_corpus([shipped_corpus_dir()]))
    user = files / "mine"
    r = learn_pair(files / "gate.py", files / "gate_jax.py", user, note="split, not chunk", worker=worker)
    assert r.added and r.report.passed
    entries = load_corpus([user], ["user"])
    assert [e.id for e in entries] == [r.entry_id]
    e = entries[0]
    assert e.kind == "pair" and e.entry == "Gate" and "split, not chunk" in e.body
    assert {"torch.Tensor.chunk", "torch.sigmoid", "torch.nn.Linear"} <= set(e.torch_apis)
    assert "jax.nn.sigmoid" in e.jax_apis
    # learning the same pair again finds it instead of adding a copy
    again = learn_pair(files / "gate.py", files / "gate_jax.py", user, worker=worker)
    assert not again.added and again.entry_id == r.entry_id and len(list(user.rglob("*.md"))) == 1

    idx = files / "idx"
    shutil.copytree(shipped_index, idx)
    s = build_index([shipped_corpus_dir(), user], idx, progress=False, embedder=embedder, origins=["shipped", "user"])
    assert s.embedded == 1
    retriever = Retriever(load_index(idx), embedder)
    similar = TORCH.replace("Gate", "GatedUnit").replace("torch.special.erf(a)", "a")
    unit = split_source(similar).units[0]
    assert r.entry_id in [h.id for h in retriever.search(unit.source, unit.apis, k=4)]

    removed = remove_entry(r.entry_id, load_corpus([shipped_corpus_dir(), user], ["shipped", "user"]))
    assert removed.id == r.entry_id and not list(user.rglob("*.md"))
    build_index([shipped_corpus_dir(), user], idx, progress=False, embedder=embedder, origins=["shipped", "user"])
    retriever = Retriever(load_index(idx), embedder)
    assert r.entry_id not in [h.id for h in retriever.search(unit.source, unit.apis, k=10)]
    assert corpus_fingerprint(load_corpus([shipped_corpus_dir()])) == shipped_before


@pytest.mark.slow
def test_failing_pair_is_refused(files, worker):
    user = files / "mine"
    with pytest.raises(VerificationRefused, match="numeric"):
        learn_pair(files / "gate.py", files / "gate_bad.py", user, worker=worker)
    assert not user.exists() or not list(user.rglob("*.md"))


def test_shipped_entries_cannot_be_removed_or_written(tmp_path):
    entries = load_corpus([shipped_corpus_dir()])
    with pytest.raises(CorpusError, match="shipped"):
        remove_entry(entries[0].id, entries)
    with pytest.raises(CorpusError, match="no corpus entry"):
        remove_entry("no-such-entry", entries)
    unit = split_source(TORCH).units[0]
    with pytest.raises(CorpusError, match="shipped"):
        save_fix(shipped_corpus_dir(), unit, "", "wrong", None, "fixed")


def test_repaired_unit_is_saved_once_and_prompts_show_it(tmp_path):
    from t2j_rag.prompt import build_prompt
    from t2j_rag.retrieve import Hit

    source = split_source(TORCH)
    unit = source.units[0]
    report = VerifyReport(False, "numeric", message="out: 6 of 15 values differ", entry="Gate")
    wrong = JAX.replace("a * jax.nn.sigmoid(b)", "b * jax.nn.sigmoid(a)")
    first = save_fix(tmp_path, unit, source.context, wrong, report, JAX)
    second = save_fix(tmp_path, unit, source.context, wrong, report, JAX)
    assert first.added and not second.added and first.entry_id == second.entry_id
    (fix,) = load_corpus([tmp_path], ["user"])
    assert fix.kind == "fix" and fix.extra["wrong_code"].strip() == wrong.strip()
    assert fix.extra["error"].startswith("numeric: out: 6 of 15")
    doc = json.loads(build_prompt(unit, source.context, [Hit(fix.id, "fix", fix.title, 1.0, 1.0, [], fix)]).messages[1]["content"])
    (example,) = doc["examples"]
    assert example["wrong_jax"].strip() == wrong.strip() and example["fixed_jax"].strip() == JAX.strip()
    assert example["error"].startswith("numeric")


@pytest.mark.slow
def test_cli_learn_list_show_remove(files):
    env = {"T2J_RAG_HOME": str(files / "home"), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "t2j_rag.cli", *args], capture_output=True, text=True,
                              cwd=files, env=env, timeout=600)

    res = run("learn", "gate.py", "gate_bad.py")
    assert res.returncode == 1 and "not learned" in res.stderr and "Traceback" not in res.stderr
    res = run("learn", "gate.py", "gate_jax.py", "--note", "split, not chunk")
    assert res.returncode == 0, res.stderr
    entry_id = res.stdout.split()[1]
    listed = [json.loads(line) for line in run("corpus", "list", "--user", "--json").stdout.splitlines()]
    assert [(x["id"], x["origin"]) for x in listed] == [(entry_id, "user")]
    assert "split, not chunk" in run("corpus", "show", entry_id).stdout
    res = run("corpus", "remove", "linear-gelu-exact")
    assert res.returncode != 0 and "shipped" in res.stderr
    assert run("corpus", "remove", entry_id).returncode == 0
    assert run("corpus", "list", "--user").stdout.strip() == ""
