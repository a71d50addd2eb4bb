"""Engine-side mapping of torch.utils.data calls to the data helpers of `data_helpers.py`.

`translate_data_call(api, args, keywords, rngs=...)` turns one call into a `Mapped` expression:

    TensorDataset(X, y)                         -> ArrayDataset(X, y)
    DataLoader(ds, 64, shuffle=True, num_workers=4, pin_memory=True)
                                                -> DataLoader(ds, batch_size=64, shuffle=True, rngs=rngs)
    DataLoader(ds, shuffle=True, generator=g)   -> DataLoader(ds, shuffle=True, rngs=g)
    random_split(ds, [0.8, 0.2])                -> random_split(ds, [0.8, 0.2], rngs=rngs)
    Subset(ds, idx)                             -> Subset(ds, idx)
    SubsetRandomSampler(idx) / RandomSampler(ds) / WeightedRandomSampler(w, n) -> the same helper, rngs=rngs
    SequentialSampler(ds)                       -> range(len(ds))
    BatchSampler(s, 32, False)                  -> BatchSampler(s, 32, False)
    default_collate(items)                      -> default_collate(items)

`rngs` is the program's key stream (an expression, e.g. `ast.Name("rngs")`); a `generator=`
argument, which the engine has already translated to a dedicated `nnx.Rngs(seed)` (see
`random.py`), takes its place. Worker and memory options (num_workers, pin_memory,
persistent_workers, prefetch_factor, timeout, worker_init_fn, multiprocessing_context,
pin_memory_device, in_order) are dropped: with one process, worker_init_fn is never called by
torch either. `Dataset`, `IterableDataset` and `Sampler` as base classes are in DATASET_BASES for
the engine to drop.

The trade-off: datasets other than TensorDataset and Subset are user code, so ConcatDataset,
ChainDataset, StackDataset and the distributed sampler are reported as untranslated instead of
being approximated.
"""

from __future__ import annotations

import ast

from ..registry import Unsupported
from .mapping import Mapped, Signature, bind, call, is_literal

_WORKER_OPTIONS = frozenset({"num_workers", "pin_memory", "timeout", "worker_init_fn", "multiprocessing_context",
                             "prefetch_factor", "persistent_workers", "pin_memory_device", "in_order"})

SIGNATURES: dict[str, Signature] = {
    "torch.utils.data.TensorDataset": Signature((), variadic="tensors"),
    "torch.utils.data.DataLoader": Signature(
        ("dataset", "batch_size", "shuffle", "sampler", "batch_sampler", "num_workers", "collate_fn", "pin_memory",
         "drop_last", "timeout", "worker_init_fn", "multiprocessing_context", "generator"),
        keyword_only=("prefetch_factor", "persistent_workers", "pin_memory_device", "in_order"),
        dropped=_WORKER_OPTIONS),
    "torch.utils.data.random_split": Signature(("dataset", "lengths", "generator")),
    "torch.utils.data.Subset": Signature(("dataset", "indices")),
    "torch.utils.data.SubsetRandomSampler": Signature(("indices", "generator")),
    "torch.utils.data.RandomSampler": Signature(("data_source", "replacement", "num_samples", "generator")),
    "torch.utils.data.WeightedRandomSampler": Signature(("weights", "num_samples", "replacement", "generator")),
    "torch.utils.data.SequentialSampler": Signature(("data_source",)),
    "torch.utils.data.BatchSampler": Signature(("sampler", "batch_size", "drop_last")),
    "torch.utils.data.default_collate": Signature(("batch",)),
}

# Base classes the engine drops from user dataset / sampler classes (they add nothing at run time).
DATASET_BASES = frozenset({"torch.utils.data.Dataset", "torch.utils.data.IterableDataset",
                           "torch.utils.data.Sampler"})

_NOT_TRANSLATED = {
    "torch.utils.data.ConcatDataset": "no helper concatenates datasets yet; index the parts by hand",
    "torch.utils.data.ChainDataset": "no helper chains iterable datasets yet",
    "torch.utils.data.StackDataset": "no helper stacks datasets yet",
    "torch.utils.data.DistributedSampler": "multi-process data parallelism has no single-process counterpart",
    "torch.utils.data.get_worker_info": "the translated DataLoader has no worker processes",
}

DATA_APIS = frozenset(SIGNATURES) | DATASET_BASES | frozenset(_NOT_TRANSLATED)


def canonical_data_api(api: str) -> str:
    """torch.utils.data's public name for an API spelled through a submodule:
    "torch.utils.data.dataloader.DataLoader" -> "torch.utils.data.DataLoader"."""
    prefix = "torch.utils.data."
    if api.startswith(prefix) and api.count(".") > 3:
        return prefix + api.rsplit(".", 1)[1]
    return api


def is_data_api(api: str) -> bool:
    return canonical_data_api(api) in DATA_APIS


def _stream(bound: dict[str, ast.expr], rngs: ast.expr) -> ast.expr:
    """The key stream for a draw: the call's own generator when it has one, else the program's."""
    generator = bound.get("generator")
    return rngs if generator is None or is_literal(generator, None) else generator


def translate_data_call(api: str, args: list[ast.expr], keywords: list[ast.keyword], *,
                        rngs: ast.expr) -> Mapped:
    """The JAX form of one torch.utils.data call (see the module docstring), or Unsupported."""
    name = canonical_data_api(api)
    if name in _NOT_TRANSLATED:
        raise Unsupported(name, _NOT_TRANSLATED[name])
    if name in DATASET_BASES:
        raise Unsupported(name, "a dataset base class is dropped from the class bases, not called")
    if name not in SIGNATURES:
        raise Unsupported(name, "no mapping for this torch.utils.data API")
    b = bind(name, SIGNATURES[name], args, keywords)
    short = name.rsplit(".", 1)[1]
    if short == "TensorDataset":
        return Mapped(call("ArrayDataset", *args), ("ArrayDataset",))
    if short == "DataLoader":
        return _data_loader(b, rngs)
    if short == "random_split":
        return Mapped(call("random_split", b["dataset"], b["lengths"], rngs=_stream(b, rngs)), ("random_split",))
    if short == "SequentialSampler":
        return Mapped(call("range", call("len", b["data_source"])))
    if short in ("SubsetRandomSampler", "RandomSampler", "WeightedRandomSampler"):
        first, *others = [p for p in SIGNATURES[name].params if p != "generator"]
        if first not in b:
            raise Unsupported(name, f"no {first} argument")
        rest = {p: b[p] for p in others if p in b}
        return Mapped(call(short, b[first], **rest, rngs=_stream(b, rngs)), (short,))
    return Mapped(call(short, *(b[p] for p in SIGNATURES[name].params if p in b)), (short,))


def _data_loader(b: dict[str, ast.expr], rngs: ast.expr) -> Mapped:
    """DataLoader keeps batch_size, shuffle, sampler, batch_sampler, collate_fn and drop_last as
    keywords; it gets a key stream only when it may shuffle."""
    if "dataset" not in b:
        raise Unsupported("torch.utils.data.DataLoader", "no dataset argument")
    kept: dict[str, ast.expr] = {}
    for option, default in (("batch_size", None), ("shuffle", False), ("sampler", None), ("batch_sampler", None),
                            ("collate_fn", None), ("drop_last", False)):
        if option in b and not is_literal(b[option], default) and not is_literal(b[option], None):
            kept[option] = b[option]
    if "batch_size" in b:  # batch_size=None (no batching) is meaningful, unlike the other None defaults
        kept["batch_size"] = b["batch_size"]
    if "shuffle" in kept:
        kept["rngs"] = _stream(b, rngs)
    ordered = {k: kept[k] for k in ("batch_size", "shuffle", "sampler", "batch_sampler", "collate_fn", "drop_last",
                                    "rngs") if k in kept}
    return Mapped(call("DataLoader", b["dataset"], **ordered), ("DataLoader",))
