"""Retrieval restricted to one kind of corpus entry, for the notes-only / pairs-only ablations.

`KindFilter` wraps a `retrieve.Retriever` and keeps only hits of the allowed
kinds, so the prompt builder and the repair loop see exactly what the
configuration allows. Its `index.entries` is filtered too, because the repair
loop looks up the notes named by lint findings there: without that, a
pairs-only run would still show notes in repair prompts.

The base retriever ranks pairs and notes separately with k places each, so
filtering after the search loses nothing: notes-only gets the same top-k
notes as "both" would. The wrapper serialises searches with a lock, since the
embedding model is shared by the evaluation threads.
"""

from __future__ import annotations

import threading

KINDS = {"notes": ("note",), "pairs": ("pair", "fix"), "both": ("pair", "fix", "note")}


class _IndexView:
    def __init__(self, index, kinds: tuple[str, ...]):
        self._index = index
        self.entries = [e for e in index.entries if e.kind in kinds]

    def __getattr__(self, name):
        return getattr(self._index, name)


class KindFilter:
    def __init__(self, retriever, retrieval: str, lock: threading.Lock | None = None):
        if retrieval not in KINDS:
            raise ValueError(f"retrieval must be one of {', '.join(KINDS)}, got {retrieval!r}")
        self.base = retriever
        self.kinds = KINDS[retrieval]
        self.index = _IndexView(retriever.index, self.kinds)
        self._lock = lock or threading.Lock()

    def search(self, code: str, apis: list[str], k: int = 4) -> list:
        with self._lock:
            hits = self.base.search(code, apis, k)
        return [h for h in hits if h.kind in self.kinds]


def for_config(retriever, retrieval: str, lock: threading.Lock | None = None):
    """The retriever a configuration sees: None for the baseline, else the base filtered by kind."""
    if retrieval == "none" or retriever is None:
        return None
    return KindFilter(retriever, retrieval, lock)
