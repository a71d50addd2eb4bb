"""Configurations of an ablation, and the grid files (TOML) they are read from.

A configuration is one point of the ablation: backend and model, prompt format
(json, plain), retrieval (none = the baseline, notes only, pairs only, both),
k, repair rounds, and draft (none, or the rules engine's draft). A grid file
lists values per dimension and the run takes their product; `[[extra]]`
tables add single configurations outside the product (e.g. the plain format
only for the baseline and full retrieval, instead of doubling the grid).

Dimensions that do not matter are normalised before configurations are
compared, so the product has no duplicates: with retrieval "none", k is 0,
and a backend's class attributes say what else it ignores (the rules engine
reads no prompt, so its format, retrieval, k and draft collapse; a repair
prompt would get the same answer, so repair is 0; it takes no model, so the
grid's model does not label it). The trade-off: a configuration's id is
derived from its values (readable in the JSONL and the report, and stable,
which is what resuming relies on), so two runs that want different settings
under one id cannot exist.
"""

from __future__ import annotations

import functools
import itertools
import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..errors import BackendError, ConfigError

FORMATS = ("json", "plain")
RETRIEVAL = ("none", "notes", "pairs", "both")
DRAFTS = ("none", "rules")
DIMENSIONS = ("backend", "model", "format", "retrieval", "k", "repair", "draft")


@dataclass(frozen=True)
class Config:
    backend: str
    model: str | None = None
    format: str = "json"
    retrieval: str = "both"
    k: int = 4
    repair: int = 0
    draft: str = "none"

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ConfigError(f"prompt format must be one of {', '.join(FORMATS)}, got {self.format!r}")
        if self.retrieval not in RETRIEVAL:
            raise ConfigError(f"retrieval must be one of {', '.join(RETRIEVAL)}, got {self.retrieval!r}")
        if self.draft not in DRAFTS:
            raise ConfigError(f"draft must be one of {', '.join(DRAFTS)}, got {self.draft!r}")
        for name in ("k", "repair"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{name} must be a non-negative integer, got {value!r}")
        if self.retrieval != "none" and self.k == 0:
            raise ConfigError(f"retrieval {self.retrieval!r} needs k > 0")

    def normalised(self) -> "Config":
        """This configuration with every dimension its backend ignores set to one value.

        Config("rules", "mistralai/Mistral-7B-Instruct-v0.3", "plain", "both", k=4, repair=3, draft="rules")
        -> Config("rules", None, "json", "none", k=0, repair=0, draft="none")
        """
        cls = _backend_class(self.backend)
        c = self
        if cls.model_kind != "model":  # in an evaluation, replay answers come from --answers, not the grid
            c = replace(c, model=None)
        if not cls.uses_prompt:  # the unit reaches such a backend in the JSON prompt document
            c = replace(c, format="json", retrieval="none", draft="none")
        if not cls.repairs:
            c = replace(c, repair=0)
        return replace(c, k=0) if c.retrieval == "none" else c

    @property
    def id(self) -> str:
        model = ""
        if self.model and _backend_class(self.backend).model_kind == "model":
            model = "@" + Path(self.model).name if "/" in self.model else "@" + self.model
        return (f"{self.backend}{model}.{self.format}.{self.retrieval}.k{self.k}.r{self.repair}"
                f"{'' if self.draft == 'none' else '.draft-' + self.draft}")

    def baseline(self) -> "Config":
        """The same configuration without retrieval: what a retrieval variant is compared with."""
        return replace(self, retrieval="none", k=0)

    def to_dict(self) -> dict:
        return asdict(self) | {"id": self.id}


@functools.lru_cache(maxsize=None)
def _backend_class(name: str):
    """The backend class registered as `name`; the base class (which uses everything) when none is.

    An unregistered backend keeps all its dimensions; the run reports it as skipped. Cached:
    configuration ids are computed often, and looking up a plugin reads package metadata.
    """
    from ..backends import Backend, backend_class

    try:
        return backend_class(name)
    except BackendError:
        return Backend


@dataclass
class Grid:
    name: str
    description: str
    configs: list[Config]


def _as_list(value, name: str) -> list:
    values = value if isinstance(value, list) else [value]
    if not values:
        raise ConfigError(f"grid dimension {name!r} is empty")
    return values


def expand(dims: dict, extra: list[dict] | None = None) -> list[Config]:
    """The product of the dimension lists plus the extra configurations, normalised and deduplicated."""
    unknown = set(dims) - set(DIMENSIONS)
    if unknown:
        raise ConfigError(f"unknown grid dimension(s): {', '.join(sorted(unknown))}; known: {', '.join(DIMENSIONS)}")
    if "backend" not in dims:
        raise ConfigError("a grid needs a backend")
    lists = {name: _as_list(dims[name], name) for name in DIMENSIONS if name in dims}
    names = list(lists)
    seen: dict[str, Config] = {}
    for values in itertools.product(*(lists[n] for n in names)):
        c = Config(**dict(zip(names, values))).normalised()
        seen.setdefault(c.id, c)
    for item in extra or []:
        base = {n: lists[n][0] for n in names}
        unknown = set(item) - set(DIMENSIONS)
        if unknown:
            raise ConfigError(f"unknown key(s) in an [[extra]] configuration: {', '.join(sorted(unknown))}")
        c = Config(**(base | item)).normalised()
        seen.setdefault(c.id, c)
    return list(seen.values())


def load_grid(path: str | Path, overrides: dict | None = None) -> Grid:
    """Read a grid file; `overrides` (dimension -> list of values, from command-line options) replace its lists."""
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"grid file not found: {p}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not a valid TOML grid ({exc})") from None
    dims = dict(doc.get("grid", {}))
    extra = doc.get("extra", [])
    for name, values in (overrides or {}).items():
        if values:
            dims[name] = list(values)  # extras are rebuilt on the new first values, keeping what they set
    return Grid(doc.get("name", p.stem), doc.get("description", ""), expand(dims, extra))


def grids_dir() -> Path:
    """`scripts/grids` of the source checkout (the grids are examples, not package data)."""
    return Path(__file__).resolve().parents[2] / "scripts" / "grids"


def resolve_grid(name_or_path: str) -> Path:
    """A grid file path, or the name of one in scripts/grids (`default` -> scripts/grids/default.toml)."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        return p
    candidate = grids_dir() / f"{name_or_path}.toml"
    if not candidate.exists():
        raise ConfigError(f"no grid {name_or_path!r}: not a file, and no {candidate}")
    return candidate
