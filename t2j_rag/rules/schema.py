"""The `[[rules]]` data a corpus note carries: one simple PyTorch -> JAX call mapping per table.

A rule lives in the front matter of the note that explains it, so the text an
LLM reads and the mapping the rules engine applies come from the same file and
cannot drift apart. Only mappings that are a rename plus keyword bookkeeping are
data; anything that needs new control flow or layout plumbing stays code in
`t2j_rag/rules/` (and still has a note).

Schema of one table::

    [[rules]]
    torch = ["torch.sum", "torch.Tensor.sum"]   # APIs (canonical, as t2j_rag.apis extracts them);
                                                #   a torch.Tensor.* API passes the receiver first
    jax = "jnp.sum"                  # the callable it becomes (jnp., jax., nnx., jax.nn., jax.lax. ...), or
                                     #   a helper from `runtime/` (t2j_softshrink), pasted in when used
    kind = "call"                    # "call" (a function), "layer" (an nn.Module constructor that takes
                                     #   rngs), "activation" (a parameter-free module that becomes a function)
    args = ["input", "dim", "keepdim"]   # torch parameter names in positional order (receiver included)
    positional = 1                   # how many leading parameters stay positional in the JAX call
    rename = { dim = "axis", keepdim = "keepdims" }   # torch keyword -> JAX keyword
    values = { approximate = { none = false, tanh = true } }  # literal torch value -> JAX value
    exprs = { momentum = "1 - ({})" }                # JAX value as an expression of the torch value
    defaults = { approximate = false }               # JAX keywords added when torch leaves them unset,
                                                     #   because the two libraries' defaults differ
    drop = ["inplace"]               # torch keywords with no meaning in JAX (silently dropped)
    require = { ceil_mode = false }  # torch keywords translated only when they hold this value

The trade-off: a small fixed vocabulary keeps every rule checkable at load time
(a typo is a CorpusError naming the file), but a mapping that needs more than
this is code, not data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import CorpusError
from .paste import helper_names

KINDS = ("call", "layer", "activation")
_KEYS = {"torch", "jax", "kind", "args", "positional", "rename", "values", "exprs", "defaults", "drop", "require"}
_SCALARS = (str, int, float, bool)


@dataclass
class Rule:
    """One validated mapping; `note` is the id of the corpus note that carries it."""

    torch: list[str]
    jax: str
    kind: str = "call"
    args: list[str] = field(default_factory=list)
    positional: int = 1
    rename: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict] = field(default_factory=dict)
    exprs: dict[str, str] = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    drop: list[str] = field(default_factory=list)
    require: dict = field(default_factory=dict)
    note: str = ""


def _strings(value, what: str, path: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise CorpusError(f"{path}: rules: '{what}' must be a non-empty string or list of strings")
    return list(value)


def _table(value, what: str, path: str, scalar_values: bool = True) -> dict:
    if not isinstance(value, dict):
        raise CorpusError(f"{path}: rules: '{what}' must be a table")
    for k, v in value.items():
        plain = isinstance(v, _SCALARS) or (isinstance(v, list) and all(isinstance(x, _SCALARS) for x in v))
        if scalar_values and not plain:
            raise CorpusError(f"{path}: rules: '{what}.{k}' must be a string, number, boolean or list of them")
    return dict(value)


def parse_rules(raw, torch_apis: list[str], path: str, note_id: str = "") -> list[Rule]:
    """Validate the `rules` array of one note; every rule's torch API must be in the note's torch_apis."""
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise CorpusError(f"{path}: 'rules' must be an array of tables ([[rules]])")
    rules = []
    for i, r in enumerate(raw):
        where = f"{path}: rules[{i}]"
        unknown = set(r) - _KEYS
        if unknown:
            raise CorpusError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        if "torch" not in r or "jax" not in r:
            raise CorpusError(f"{where}: needs 'torch' and 'jax'")
        apis = _strings(r["torch"], "torch", where)
        missing = [a for a in apis if a not in torch_apis]
        if missing:
            raise CorpusError(f"{where}: {', '.join(missing)} not listed in the note's torch_apis")
        if not isinstance(r["jax"], str) or not r["jax"]:
            raise CorpusError(f"{where}: 'jax' must be a non-empty string")
        if not _known_target(r["jax"]):
            raise CorpusError(f"{where}: 'jax' must start with jnp., jax., nnx. or name an engine helper "
                              f"(t2j_...), got {r['jax']!r}")
        kind = r.get("kind", "call")
        if kind not in KINDS:
            raise CorpusError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
        args = _strings(r["args"], "args", where) if "args" in r else []
        positional = r.get("positional", 0 if kind == "layer" else 1)
        if isinstance(positional, bool) or not isinstance(positional, int) or positional < 0:
            raise CorpusError(f"{where}: 'positional' must be an integer >= 0")
        rename = _table(r.get("rename", {}), "rename", where)
        if not all(isinstance(v, str) for v in rename.values()):
            raise CorpusError(f"{where}: 'rename' values must be strings")
        values = _table(r.get("values", {}), "values", where, scalar_values=False)
        for k, v in values.items():
            _table(v, f"values.{k}", where)
        exprs = _table(r.get("exprs", {}), "exprs", where)
        for k, v in exprs.items():
            if not isinstance(v, str) or "{}" not in v:
                raise CorpusError(f"{where}: 'exprs.{k}' must be a string with a '{{}}' placeholder")
        drop = _strings(r["drop"], "drop", where) if "drop" in r else []
        rules.append(Rule(apis, r["jax"], kind, args, positional, rename, values, exprs,
                          _table(r.get("defaults", {}), "defaults", where), drop,
                          _table(r.get("require", {}), "require", where), note_id))
    return rules


def _known_target(target: str) -> bool:
    head = target.split(".", 1)[0]
    return head in ("jnp", "jax", "nnx") and "." in target or target in helper_names()
