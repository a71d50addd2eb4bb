"""Where shipped data lives and where user data goes.

The shipped corpus and prompt templates are package data (`t2j_rag.shipped_corpus`,
`t2j_rag.shipped_prompts`, mapped from the top-level `corpus/` and `prompts/` by
setup.cfg), so a non-editable install finds them from any working directory.
The index is build output: by default `index/` in the working directory (as in
the repository layout), or `$T2J_RAG_INDEX`, or `--index-dir`. User data that
must outlive a checkout (the config file, the user's own corpus) lives under
`$T2J_RAG_HOME` or `~/.t2j-rag`.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def shipped_corpus_dir() -> Path:
    """The corpus that ships with the package (pairs/ and notes/)."""
    return Path(str(resources.files("t2j_rag.shipped_corpus")))


def shipped_prompts_dir() -> Path:
    return Path(str(resources.files("t2j_rag.shipped_prompts")))


def read_prompt(name: str) -> str:
    """Text of one prompt template, e.g. read_prompt("translate.json")."""
    return (shipped_prompts_dir() / name).read_text(encoding="utf-8")


def home_dir() -> Path:
    return Path(os.environ.get("T2J_RAG_HOME") or Path.home() / ".t2j-rag")


def default_index_dir() -> Path:
    return Path(os.environ.get("T2J_RAG_INDEX") or "index")


def user_corpus_dir() -> Path:
    return home_dir() / "corpus"
