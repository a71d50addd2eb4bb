"""A non-editable install must carry the corpus and the prompts as package data."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_corpus_and_prompts(tmp_path):
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    (wheel,) = tmp_path.glob("t2j_rag-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    corpus = {p.relative_to(ROOT / "corpus").as_posix() for p in (ROOT / "corpus").rglob("*.md")}
    shipped = {n.removeprefix("t2j_rag/shipped_corpus/") for n in names if n.startswith("t2j_rag/shipped_corpus/") and n.endswith(".md")}
    assert corpus and shipped == corpus
    prompts = {p.name for p in (ROOT / "prompts").iterdir() if p.suffix in (".json", ".txt")}
    assert {n.removeprefix("t2j_rag/shipped_prompts/") for n in names if n.startswith("t2j_rag/shipped_prompts/")} >= prompts
    assert "t2j_rag/cli.py" in names and "t2j_rag/backends/base.py" in names
