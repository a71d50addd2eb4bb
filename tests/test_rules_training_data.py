"""The data pipeline of translated programs: each torch.utils.data call is translated by
`t2j_rag.rules.training.data`, the emitted code runs against the pasted helpers of `data_helpers.py`,
and its batches are compared with what torch's own DataLoader yields on the same data."""

import ast
import collections

import numpy as np
import pytest
import torch
from flax import nnx
from torch.utils import data as tud

from t2j_rag.rules.registry import Unsupported
from t2j_rag.rules.training.data import translate_data_call
from training_fake_engine import run, translate

X = np.arange(10 * 3, dtype=np.float32).reshape(10, 3)
Y = np.arange(10, dtype=np.int64) % 4


def _torch_batches(loader):
    out = []
    for batch in loader:
        out.append([np.asarray(t) for t in batch] if isinstance(batch, (list, tuple)) else batch)
    return out


def _loader(src, **values):
    return run(src, X=X, y=Y, rngs=nnx.Rngs(0), **values)


# --- TensorDataset + DataLoader against torch ------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 3, 5, 10, 16])
@pytest.mark.parametrize("drop_last", [False, True])
def test_unshuffled_batches_equal_torch(batch_size, drop_last):
    loader = _loader(f"DataLoader(TensorDataset(X, y), batch_size={batch_size}, drop_last={drop_last}, "
                     "num_workers=2, pin_memory=True, persistent_workers=False)")
    ours = list(loader)
    theirs = _torch_batches(tud.DataLoader(tud.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)),
                                           batch_size=batch_size, drop_last=drop_last))
    assert len(ours) == len(theirs) == len(loader)
    for (xb, yb), (tx, ty) in zip(ours, theirs):
        assert isinstance(xb, np.ndarray) and xb.shape == tx.shape and yb.shape == ty.shape
        np.testing.assert_array_equal(xb, tx)
        np.testing.assert_array_equal(yb, ty)


def test_default_batch_size_is_one_and_batches_are_lists_like_torch():
    loader = _loader("DataLoader(TensorDataset(X, y))")
    first = next(iter(loader))
    torch_first = next(iter(tud.DataLoader(tud.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)))))
    assert type(first) is type(torch_first) is list
    assert len(loader) == 10 and first[0].shape == (1, 3)


def _epochs(loader, n):
    return [np.concatenate([xb[:, 0] // 3 for xb, _ in loader]).astype(int) for _ in range(n)]


def test_shuffle_draws_a_new_permutation_every_epoch_and_the_seed_fixes_them():
    src = "DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True)"
    code, helpers = translate(src)
    assert code == "DataLoader(ArrayDataset(X, y), batch_size=4, shuffle=True, rngs=rngs)"
    epochs = _epochs(_loader(src), 3)
    for order in epochs:
        assert sorted(order) == list(range(10))  # every item exactly once
    assert not all(np.array_equal(epochs[0], e) for e in epochs[1:])
    assert all(np.array_equal(a, b) for a, b in zip(epochs, _epochs(_loader(src), 3)))  # same seed, same orders
    other = _epochs(run(src, X=X, y=Y, rngs=nnx.Rngs(1)), 3)
    assert not all(np.array_equal(a, b) for a, b in zip(epochs, other))


def test_shuffled_rows_stay_together():
    for xb, yb in _loader("DataLoader(TensorDataset(X, y), batch_size=3, shuffle=True, drop_last=True)"):
        rows = (xb[:, 0] // 3).astype(int)
        np.testing.assert_array_equal(yb, Y[rows])
        assert xb.shape == (3, 3)


def test_generator_becomes_the_loaders_own_stream():
    code, _ = translate("DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(7))")
    assert code == "DataLoader(ds, batch_size=4, shuffle=True, rngs=nnx.Rngs(7))"
    src = "DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(7))"
    # independent of the program stream: a different `rngs` gives the same orders
    assert all(np.array_equal(a, b) for a, b in zip(_epochs(_loader(src), 2),
                                                   _epochs(run(src, X=X, y=Y, rngs=nnx.Rngs(99)), 2)))


@pytest.mark.parametrize("n,batch_size,drop_last", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False),
                                                    (2, 5, True), (0, 4, False)])
def test_len_matches_torch(n, batch_size, drop_last):
    ours = run(f"DataLoader(TensorDataset(X[:{n}], y[:{n}]), batch_size={batch_size}, drop_last={drop_last})",
               X=X, y=Y)
    theirs = tud.DataLoader(tud.TensorDataset(torch.from_numpy(X[:n]), torch.from_numpy(Y[:n])),
                            batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs) == len(list(ours))


# --- user datasets, collate functions, iterable datasets ----------------------------------------


class DictItems:
    """A user Dataset (its torch base class dropped by the engine) whose items are dicts."""

    def __init__(self, n, as_torch=False):
        self.n, self.as_torch = n, as_torch

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        feats = np.full((2,), i, dtype=np.float32)
        return {"x": torch.from_numpy(feats) if self.as_torch else feats, "label": i % 3, "weight": 0.5 * i,
                "name": f"item{i}", "pair": (i, [i, -i])}


def _same(ours, theirs):
    if isinstance(theirs, torch.Tensor):
        np.testing.assert_array_equal(ours, theirs.numpy())
        assert np.asarray(ours).dtype == theirs.numpy().dtype
    elif isinstance(theirs, dict):
        assert set(ours) == set(theirs)
        for key in theirs:
            _same(ours[key], theirs[key])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
    else:
        assert ours == theirs


def test_user_dataset_with_dict_items_collates_like_torch():
    ours = list(run("DataLoader(ds, batch_size=4)", ds=DictItems(10)))
    theirs = list(tud.DataLoader(DictItems(10, as_torch=True), batch_size=4))
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs):
        _same(a, b)
    assert ours[0]["name"] == ["item0", "item1", "item2", "item3"]


def test_user_collate_fn_gets_the_list_of_items():
    def pad(items):
        longest = max(len(x) for x, _ in items)
        out = np.zeros((len(items), longest), np.float32)
        for row, (x, _) in enumerate(items):
            out[row, :len(x)] = x
        return out, np.array([label for _, label in items])

    seqs = [(np.arange(1 + i % 4, dtype=np.float32), i) for i in range(7)]
    ours = list(run("DataLoader(ds, batch_size=3, collate_fn=pad)", ds=seqs, pad=pad))
    theirs = list(tud.DataLoader(seqs, batch_size=3, collate_fn=pad))
    assert len(ours) == len(theirs) == 3
    for (xa, la), (xb, lb) in zip(ours, theirs):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(la, lb)


def test_collate_fn_on_an_array_dataset_uses_the_items():
    ours = list(run("DataLoader(TensorDataset(X, y), batch_size=4, collate_fn=lambda items: len(items))", X=X, y=Y))
    assert ours == [4, 4, 2]


class Counting:
    """A user IterableDataset (base dropped): items come from __iter__, there is no __getitem__."""

    def __init__(self, n, as_torch=False):
        self.n, self.as_torch = n, as_torch

    def __iter__(self):
        for i in range(self.n):
            x = np.array([i, 2 * i], dtype=np.float32)
            yield (torch.from_numpy(x) if self.as_torch else x), i


class TorchCounting(Counting, tud.IterableDataset):
    pass


@pytest.mark.parametrize("drop_last", [False, True])
def test_iterable_dataset_batches_consecutive_items(drop_last):
    ours = list(run(f"DataLoader(ds, batch_size=3, drop_last={drop_last})", ds=Counting(7)))
    theirs = _torch_batches(tud.DataLoader(TorchCounting(7, as_torch=True), batch_size=3, drop_last=drop_last))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        _same(a, [torch.from_numpy(t) for t in b])


def test_iterable_dataset_refuses_shuffle():
    with pytest.raises(ValueError, match="iterable dataset"):
        run("DataLoader(ds, batch_size=3, shuffle=True)", ds=Counting(4), rngs=nnx.Rngs(0))


def test_batch_size_none_yields_single_items():
    ours = list(run("DataLoader(TensorDataset(X, y), batch_size=None)", X=X, y=Y))
    assert len(ours) == 10
    np.testing.assert_array_equal(ours[2][0], X[2])


def test_default_collate_matches_torch_on_nested_structures():
    Point = collections.namedtuple("Point", ["x", "y"])
    batch = [(np.ones(2, np.float32) * i, {"k": i, "f": 1.5 * i, "t": True}, [i, "s"], Point(i, 2.0)) for i in range(3)]
    ours = run("default_collate(b)", b=batch)
    theirs = tud.default_collate(batch)
    _same(ours, theirs)
    assert isinstance(ours[3], Point)


def test_default_collate_rejects_unequal_sequences_and_objects():
    with pytest.raises(RuntimeError, match="equal size"):
        run("default_collate(b)", b=[[1, 2], [1]])
    with pytest.raises(TypeError, match="cannot batch"):
        run("default_collate(b)", b=[object(), object()])


# --- random_split and Subset ---------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Length of split")
@pytest.mark.parametrize("n,lengths", [(10, [7, 3]), (10, [0.5, 0.3, 0.2]), (9, [0.5, 0.5]), (10, [0.33, 0.33, 0.34]),
                                       (7, [0.1, 0.1, 0.8]), (5, [1.0]), (3, [0.25, 0.25, 0.25, 0.25])])
def test_random_split_sizes_match_torch_and_parts_are_disjoint(n, lengths):
    code, _ = translate(f"random_split(ds, {lengths})")
    assert code == f"random_split(ds, {lengths}, rngs=rngs)"
    parts = run(f"random_split(TensorDataset(X[:{n}], y[:{n}]), {lengths})", X=X, y=Y, rngs=nnx.Rngs(0))
    theirs = tud.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [len(t) for t in theirs]
    rows = [int(part[i][0][0]) // 3 for part in parts for i in range(len(part))]
    assert sorted(rows) == list(range(n))


def test_random_split_rejects_lengths_that_do_not_add_up():
    with pytest.raises(ValueError, match="do not add up"):
        run("random_split(TensorDataset(X, y), [3, 3])", X=X, y=Y, rngs=nnx.Rngs(0))


def test_loader_over_a_split_slices_batches_and_follows_the_subset():
    train, val = run("random_split(TensorDataset(X, y), [0.8, 0.2], generator=torch.Generator().manual_seed(3))",
                     X=X, y=Y, rngs=nnx.Rngs(0))
    batches = list(run("DataLoader(val, batch_size=4)", val=val))
    assert len(batches) == 1 and batches[0][0].shape == (2, 3)
    np.testing.assert_array_equal(batches[0][0], X[np.asarray(val.indices)])


def test_subset_indexes_like_torch():
    sub = run("Subset(ds, [4, 0, 2])", ds=list(range(10, 20)))
    assert len(sub) == 3 and [sub[i] for i in range(3)] == [14, 10, 12]


# --- samplers --------------------------------------------------------------------------------------


def test_subset_random_sampler_visits_its_indices_once_per_epoch():
    sampler = run("SubsetRandomSampler([1, 3, 5, 7])", rngs=nnx.Rngs(0))
    epochs = [list(sampler) for _ in range(4)]
    assert all(sorted(e) == [1, 3, 5, 7] for e in epochs) and len({tuple(e) for e in epochs}) > 1
    batches = list(run("DataLoader(TensorDataset(X, y), batch_size=2, sampler=s)", X=X, y=Y, s=sampler))
    assert sorted(int(r) for xb, _ in batches for r in xb[:, 0] // 3) == [1, 3, 5, 7]


def test_weighted_random_sampler_follows_the_weights():
    sampler = run("WeightedRandomSampler([1.0, 3.0, 0.0, 4.0], 8000)", rngs=nnx.Rngs(0))
    counts = np.bincount(list(sampler), minlength=4) / 8000
    np.testing.assert_allclose(counts, [0.125, 0.375, 0.0, 0.5], atol=0.02)
    unique = list(run("WeightedRandomSampler([1.0, 3.0, 2.0, 4.0], 4, replacement=False)", rngs=nnx.Rngs(0)))
    assert sorted(unique) == [0, 1, 2, 3]


def test_random_sampler_forms():
    perm = list(run("RandomSampler(range(6))", rngs=nnx.Rngs(0)))
    assert sorted(perm) == list(range(6))
    many = list(run("RandomSampler(range(4), num_samples=10)", rngs=nnx.Rngs(0)))
    assert len(many) == 10 and sorted(many[:4]) == [0, 1, 2, 3]
    drawn = list(run("RandomSampler(range(3), replacement=True, num_samples=50)", rngs=nnx.Rngs(0)))
    assert len(drawn) == 50 and set(drawn) <= {0, 1, 2}


def test_batch_sampler_and_sequential_sampler_match_torch():
    ours = list(run("BatchSampler(SequentialSampler(ds), 4, False)", ds=list(range(10))))
    assert ours == list(tud.BatchSampler(tud.SequentialSampler(range(10)), 4, False))
    batches = list(run("DataLoader(TensorDataset(X, y), batch_sampler=BatchSampler(SequentialSampler(X), 4, True))",
                       X=X, y=Y))
    assert [b[0].shape[0] for b in batches] == [4, 4]


# --- what the mapping emits and refuses --------------------------------------------------------------


def test_performance_options_vanish_and_positional_arguments_become_keywords():
    code, helpers = translate("DataLoader(ds, 32, True, None, None, 4, None, True, True, prefetch_factor=2, "
                              "persistent_workers=True, worker_init_fn=seed_worker)")
    assert code == "DataLoader(ds, batch_size=32, shuffle=True, drop_last=True, rngs=rngs)"
    assert helpers == {"DataLoader"}
    assert translate("DataLoader(ds, batch_size=8, shuffle=False)")[0] == "DataLoader(ds, batch_size=8)"
    assert translate("DataLoader(ds, shuffle=is_train)")[0] == "DataLoader(ds, shuffle=is_train, rngs=rngs)"
    assert translate("torch.utils.data.dataloader.DataLoader(ds)")[0] == "DataLoader(ds)"
    assert translate("DataLoader(ds, shuffle=True, generator=None)")[0] == "DataLoader(ds, shuffle=True, rngs=rngs)"
    assert translate("random_split(ds, [8, 2], None)")[0] == "random_split(ds, [8, 2], rngs=rngs)"


def test_translated_names_and_helpers():
    assert translate("TensorDataset(*tensors)") == ("ArrayDataset(*tensors)", {"ArrayDataset"})
    assert translate("SequentialSampler(ds)") == ("range(len(ds))", set())
    assert translate("WeightedRandomSampler(w, 10, generator=g)") == (
        "WeightedRandomSampler(w, num_samples=10, rngs=g)", {"WeightedRandomSampler"})


@pytest.mark.parametrize("src,reason", [
    ("DataLoader(ds, **opts)", "kwargs"),
    ("DataLoader(ds, batchsize=3)", "keyword 'batchsize'"),
    ("ConcatDataset([a, b])", "concatenates"),
    ("torch.utils.data.distributed.DistributedSampler(ds)", "data parallelism"),
    ("TensorDataset(X, y, extra=1)", "keyword 'extra'"),
])
def test_unsupported_calls_name_the_reason(src, reason):
    with pytest.raises(Unsupported, match=reason):
        translate(src)


def test_mapping_is_called_with_bound_ast_nodes():
    call = ast.parse("DataLoader(train_set, batch_size=BATCH, shuffle=True)", mode="eval").body
    mapped = translate_data_call("torch.utils.data.DataLoader", call.args, call.keywords,
                                 rngs=ast.Name("program_rngs", ast.Load()))
    assert mapped.source == "DataLoader(train_set, batch_size=BATCH, shuffle=True, rngs=program_rngs)"
    assert mapped.helpers == ("DataLoader",)
