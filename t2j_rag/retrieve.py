"""Hybrid retrieval: dense similarity fused with exact matching of PyTorch APIs.

For each source unit the retriever scores every corpus entry twice:

- dense: cosine similarity between the unit (its APIs, then its source) and
  the entry's embedding text;
- exact: the APIs the unit uses that the entry declares in `torch_apis`
  (globs allowed), each weighted by its rarity in the corpus (IDF), normalised
  so the best-matching entry scores 1.

The fused score is `dense + api_weight * exact`. Cosine similarities of
unrelated code sit around 0.1-0.6, so an entry that covers an API the unit
really calls outranks one that merely looks similar: the BatchNorm momentum
note is not crowded out by five Conv-looking pairs. Pairs (and learned fixes)
and notes are ranked separately and each gets its own quota of k.

Example::

    r = Retriever.open(index_dir, corpus_dirs)
    hits = r.search(unit_source, ["torch.nn.BatchNorm2d"], k=3)
    [(h.id, h.kind, round(h.score, 2)) for h in hits]
    # [('norm-batchnorm2d-eval', 'pair', 1.62), ..., ('modules-batchnorm-momentum', 'note', 1.48), ...]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .apis import api_matches
from .corpus import Entry, corpus_fingerprint, load_corpus
from .embed import Embedder
from .index import LoadedIndex, load_index

API_WEIGHT = 1.0


@dataclass
class Hit:
    id: str
    kind: str
    title: str
    score: float
    dense: float
    api_matches: list[str]
    entry: Entry = field(repr=False)

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "score": round(self.score, 4),
                "dense": round(self.dense, 4), "api_matches": self.api_matches}


@dataclass
class UnitHits:
    unit: str
    apis: list[str]
    hits: list[Hit]

    def to_dict(self) -> dict:
        return {"unit": self.unit, "apis": self.apis, "hits": [h.to_dict() for h in self.hits]}


def query_text(code: str, apis: list[str]) -> str:
    """What is embedded for a unit: its APIs first (the model truncates long inputs), then the code."""
    return ("APIs: " + " ".join(apis) + "\n" if apis else "") + code


class Retriever:
    def __init__(self, index: LoadedIndex, embedder: Embedder, api_weight: float = API_WEIGHT):
        self.index = index
        self.embedder = embedder
        self.api_weight = api_weight

    @classmethod
    def open(cls, index_dir: Path | str, corpus_dirs: list[Path] | None = None, origins: list[str] | None = None,
             model: str | None = None) -> "Retriever":
        """Load the index, refusing a stale one (when corpus_dirs are given) or one from another model."""
        fingerprint = corpus_fingerprint(load_corpus(corpus_dirs, origins)) if corpus_dirs else None
        index = load_index(index_dir, model=model, expect_fingerprint=fingerprint)
        return cls(index, Embedder(model or index.manifest["model"]))

    def _exact_scores(self, apis: list[str]) -> tuple[np.ndarray, list[list[str]]]:
        entries = self.index.entries
        matched: list[list[str]] = [[] for _ in entries]
        df: dict[str, int] = {}
        for api in apis:
            for i, e in enumerate(entries):
                if any(api_matches(p, api) for p in e.torch_apis):
                    matched[i].append(api)
                    df[api] = df.get(api, 0) + 1
        n = max(len(entries), 1)
        idf = {a: math.log(1 + n / c) for a, c in df.items()}
        raw = np.array([sum(idf[a] for a in m) for m in matched], dtype=np.float64)
        top = raw.max() if raw.size else 0.0
        return (raw / top if top > 0 else raw), matched

    def search(self, code: str, apis: list[str], k: int = 4) -> list[Hit]:
        """Top-k examples (pairs and fixes) followed by top-k notes, each by fused score."""
        if k <= 0 or not self.index.entries:
            return []
        q = self.embedder.encode([query_text(code, apis)])[0]
        dense = self.index.vectors @ q
        exact, matched = self._exact_scores(apis)
        fused = dense + self.api_weight * exact
        order = np.argsort(-fused, kind="stable")
        examples: list[Hit] = []
        notes: list[Hit] = []
        for i in order:
            e = self.index.entries[i]
            bucket = notes if e.kind == "note" else examples
            if len(bucket) < k:
                bucket.append(Hit(e.id, e.kind, e.title, float(fused[i]), float(dense[i]), matched[i], e))
            if len(examples) >= k and len(notes) >= k:
                break
        return examples + notes


def retrieve_for_source(source, retriever: Retriever, k: int = 4) -> list[UnitHits]:
    """One retrieval per unit of a `units.SourceFile` (the unit's own code and APIs)."""
    return [UnitHits(u.name, u.apis, retriever.search(u.source, u.apis, k)) for u in source.units]
