"""Shared pytest configuration. Fixture groups live in their own modules, imported here."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from index_fixtures import embedder, shipped_index, shipped_retriever, tiny_corpus  # noqa: E402,F401
