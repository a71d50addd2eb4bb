"""Registry of LLM backends: built-in ones by name, plus plugins via entry points.

Built-ins are listed as "module:Class" strings and imported only when asked
for, so `import t2j_rag.backends` costs nothing and a missing optional
dependency of one backend never breaks the others. The trade-off is that a
typo in `BUILTIN_BACKENDS` is only caught when that backend is requested (the
test suite requests each one).

Third-party packages add backends by declaring an entry point in the group
`t2j_rag.backends` whose value is a `Backend` subclass. A built-in name always
wins over a plugin of the same name, so installing a package cannot silently
replace a backend the user already relies on.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from t2j_rag.backends.base import Backend, Completion, Request
from t2j_rag.errors import BackendError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = [
    "BUILTIN_BACKENDS",
    "ENTRY_POINT_GROUP",
    "Backend",
    "Completion",
    "Request",
    "backend_class",
    "backend_names",
    "choose_default_backend",
    "get_backend",
]

ENTRY_POINT_GROUP = "t2j_rag.backends"

BUILTIN_BACKENDS: dict[str, str] = {
    "echo": "t2j_rag.backends.echo:EchoBackend",
    "replay": "t2j_rag.backends.replay:ReplayBackend",
    "hf": "t2j_rag.backends.hf:HFBackend",
    "openai": "t2j_rag.backends.openai_compat:OpenAICompatBackend",
    "rules": "t2j_rag.backends.rules:RulesBackend",
}

OPENAI_BASE_URL_VARS = ("T2J_RAG_OPENAI_BASE_URL", "OPENAI_BASE_URL")


def _plugin_entry_points() -> dict[str, EntryPoint]:
    from importlib.metadata import entry_points

    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        # The first distribution on sys.path wins, matching how imports resolve.
        found.setdefault(ep.name, ep)
    return found


def backend_names() -> list[str]:
    """Built-in names in registry order, then plugin names sorted."""
    plugins = sorted(name for name in _plugin_entry_points() if name not in BUILTIN_BACKENDS)
    return [*BUILTIN_BACKENDS, *plugins]


def _import_builtin(name: str) -> type:
    module_name, _, class_name = BUILTIN_BACKENDS[name].partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)


def _load_plugin(name: str, ep: EntryPoint) -> type:
    try:
        cls = ep.load()
    except Exception as exc:  # a broken plugin must not crash the CLI with a traceback
        raise BackendError(f"backend plugin {name!r} ({ep.value}) failed to load: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, Backend)):
        raise BackendError(f"backend plugin {name!r} ({ep.value}) is not a t2j_rag Backend subclass")
    return cls


def backend_class(name: str) -> type[Backend]:
    """The class registered as `name`, not instantiated (its class attributes say what it uses)."""
    if name in BUILTIN_BACKENDS:
        return _import_builtin(name)
    plugins = _plugin_entry_points()
    if name not in plugins:
        known = ", ".join(backend_names())
        raise BackendError(f"unknown backend {name!r}; known backends: {known}")
    return _load_plugin(name, plugins[name])


def get_backend(name: str, model: str | None = None, **options: Any) -> Backend:
    """Build the backend registered as `name`; BackendError if there is none."""
    return backend_class(name)(model=model, **options)


def choose_default_backend(env: Mapping[str, str] = os.environ) -> str | None:
    """Pick a backend when the user named none: a configured server, else a local GPU.

    Returns None when neither is available; the caller explains what to set.
    """
    if any(env.get(var, "").strip() for var in OPENAI_BASE_URL_VARS):
        return "openai"
    try:
        import torch
    except Exception:  # no torch (or a broken install) means no local GPU to use
        return None
    try:
        has_cuda = bool(torch.cuda.is_available())
    except Exception:  # a broken CUDA driver reports through exceptions here
        has_cuda = False
    return "hf" if has_cuda else None
