"""Runtime helpers for the data pipeline of translated programs: datasets, splits, samplers, a DataLoader.

They replace torch.utils.data in a translated program and are pasted into it verbatim (see
`pasting.py`), so each is short, self-contained and uses only NumPy and jax.random. Batches are
NumPy arrays, like the inputs of JAX's "training with PyTorch data loading" tutorial; a jitted
step turns them into device arrays when it is called.

The trade-off: there are no worker processes, pinned memory or prefetching; loading runs in the
training loop. An `ArrayDataset` (TensorDataset) is sliced with an index array, one NumPy
operation per batch, which is faster than torch's per-item loop; a user dataset is read item by
item and stacked, as torch does with num_workers=0. Every random order is drawn from the
`nnx.Rngs` stream passed as `rngs=`, so it is reproducible from the program's seed but not the
same permutation torch would draw.
"""

from __future__ import annotations

import math

import jax
import numpy as np


class ArrayDataset:
    """torch.utils.data.TensorDataset: item i is the tuple of row i of every array.

    ArrayDataset(X, y)[3] -> (X[3], y[3]); ArrayDataset(X, y)[np.array([0, 2])] -> (X[[0, 2]], y[[0, 2]]).
    The arrays are copied to host NumPy once, so a DataLoader slices whole batches at a time.
    """

    batchable = True  # indexing with an index array returns batched rows

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("ArrayDataset needs at least one array")
        self.arrays = tuple(np.asarray(a) for a in arrays)
        if any(len(a) != len(self.arrays[0]) for a in self.arrays):
            raise ValueError("ArrayDataset: the arrays differ in their first dimension")

    @property
    def tensors(self):
        """torch's name for the arrays."""
        return self.arrays

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        return tuple(a[index] for a in self.arrays)


class Subset:
    """torch.utils.data.Subset: the items of `dataset` at `indices`, in that order.

    Subset(ds, [4, 0])[1] -> ds[0]. Batched indexing passes through when `dataset` supports it.
    """

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, indices
        self.index_array = np.asarray(indices, dtype=np.int64).reshape(-1)
        self.batchable = getattr(dataset, "batchable", False)

    def __len__(self):
        return len(self.index_array)

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            return self.dataset[int(self.index_array[index])]
        return self.dataset[self.index_array[index]]


def random_split(dataset, lengths, *, rngs):
    """torch.utils.data.random_split: disjoint random Subsets of the given sizes, or fractions of len(dataset).

    Fractions are floored and the remainder goes one item at a time to the first splits, as in
    torch: 10 items with [0.5, 0.3, 0.2] -> sizes 5, 3, 2; 9 items with [0.5, 0.5] -> 5, 4.
    """
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        if any(not 0 <= frac <= 1 for frac in lengths):
            raise ValueError("random_split: every fraction must be between 0 and 1")
        sizes = [math.floor(n * frac) for frac in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        sizes = [int(size) for size in lengths]
    if sum(sizes) != n:
        raise ValueError("random_split: the lengths do not add up to the length of the dataset")
    order = np.asarray(jax.random.permutation(rngs(), n)).tolist()
    ends = np.cumsum(sizes).tolist()
    return [Subset(dataset, order[end - size:end]) for size, end in zip(sizes, ends)]


class SubsetRandomSampler:
    """torch.utils.data.SubsetRandomSampler: the given indices in a fresh random order every epoch."""

    def __init__(self, indices, *, rngs):
        self.indices, self.rngs = indices, rngs

    def __iter__(self):
        order = np.asarray(jax.random.permutation(self.rngs(), len(self.indices)))
        return iter([self.indices[i] for i in order])

    def __len__(self):
        return len(self.indices)


class RandomSampler:
    """torch.utils.data.RandomSampler: a random order of range(len(data_source)) every epoch.

    With replacement, num_samples independent uniform draws; without, consecutive permutations cut
    to num_samples (default len(data_source)).
    """

    def __init__(self, data_source, replacement=False, num_samples=None, *, rngs):
        self.data_source, self.replacement, self.rngs = data_source, replacement, rngs
        self.num_samples = len(data_source) if num_samples is None else num_samples

    def __iter__(self):
        n = len(self.data_source)
        if self.replacement:
            drawn = jax.random.randint(self.rngs(), (self.num_samples,), 0, n)
        else:
            rounds = -(-self.num_samples // n)
            drawn = np.concatenate([np.asarray(jax.random.permutation(self.rngs(), n)) for _ in range(rounds)])
        return iter(np.asarray(drawn)[:self.num_samples].tolist())

    def __len__(self):
        return self.num_samples


class WeightedRandomSampler:
    """torch.utils.data.WeightedRandomSampler: num_samples indices drawn with probability proportional
    to `weights` (weights need not sum to 1), with or without replacement."""

    def __init__(self, weights, num_samples, replacement=True, *, rngs):
        self.weights = np.asarray(weights, dtype=np.float64)
        self.num_samples, self.replacement, self.rngs = num_samples, replacement, rngs

    def __iter__(self):
        probs = self.weights / self.weights.sum()
        drawn = jax.random.choice(self.rngs(), len(probs), (self.num_samples,), replace=self.replacement,
                                  p=probs.astype(np.float32))
        return iter(np.asarray(drawn).tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler:
    """torch.utils.data.BatchSampler: groups the indices of `sampler` into lists of batch_size."""

    def __init__(self, sampler, batch_size, drop_last):
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def default_collate(batch):
    """torch's default_collate on NumPy: stacks arrays and numbers; recurses into tuples, lists and dicts.

    [(np.ones(3), 1), (np.zeros(3), 0)] -> [array of shape (2, 3), array([1, 0])] (tuples give lists);
    [{"x": np.ones(2), "id": "a"}, {"x": np.ones(2), "id": "b"}] -> {"x": array (2, 2), "id": ["a", "b"]}.
    Python floats stack to float64 and ints to int64, as torch does.
    """
    elem = batch[0]
    if isinstance(elem, (str, bytes)):
        return batch  # as torch: the list (or, nested, the tuple) of strings
    if isinstance(elem, dict):
        return {key: default_collate([item[key] for item in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple keeps its type
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, (tuple, list)):
        if any(len(item) != len(elem) for item in batch):
            raise RuntimeError("default_collate: each element in list of batch should be of equal size")
        return [default_collate(field) for field in zip(*batch)]
    stacked = np.stack([np.asarray(item) for item in batch])
    if stacked.dtype == object:
        raise TypeError(f"default_collate: cannot batch items of type {type(elem).__name__}")
    return stacked


class DataLoader:
    """torch.utils.data.DataLoader without worker processes: iterating yields batches of NumPy arrays.

    loader = DataLoader(ArrayDataset(X, y), batch_size=64, shuffle=True, rngs=rngs)
    for xb, yb in loader: ...   # xb: (64, D) then a last, smaller batch; a new order every epoch

    `dataset` is an ArrayDataset (sliced a batch at a time), any object with __len__ and
    __getitem__ (items read one by one, then `collate_fn(items)`, default_collate by default), or
    an iterable without __getitem__ (consecutive items are batched; no shuffling). shuffle=True
    draws a permutation from `rngs` at the start of every epoch; `sampler` (an iterable of
    indices) or `batch_sampler` (an iterable of index lists) choose the order instead.
    batch_size=None yields single items, passed through collate_fn when one is given.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, sampler=None, batch_sampler=None,
                 collate_fn=None, drop_last=False, *, rngs=None):
        if shuffle and rngs is None:
            raise ValueError("DataLoader(shuffle=True) needs rngs= to draw its order")
        if shuffle and sampler is not None:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
            raise ValueError("DataLoader: batch_sampler is mutually exclusive with batch_size, shuffle, "
                             "sampler and drop_last")
        self.iterable = not hasattr(dataset, "__getitem__")
        if self.iterable and (shuffle or sampler is not None or batch_sampler is not None):
            raise ValueError("DataLoader over an iterable dataset: no shuffle, sampler or batch_sampler")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.sampler, self.batch_sampler, self.collate_fn, self.rngs = sampler, batch_sampler, collate_fn, rngs

    def __len__(self):
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        n = len(self.sampler if self.sampler is not None else self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        if self.iterable:
            return self._iterable_batches()
        return (self._fetch(indices) for indices in self._index_batches())

    def _index_batches(self):
        """This epoch's dataset indices: one array (or list) per batch, or single indices if unbatched."""
        if self.batch_sampler is not None:
            return iter(self.batch_sampler)
        if self.sampler is not None:
            order = list(self.sampler)
        elif self.shuffle:
            order = np.asarray(jax.random.permutation(self.rngs(), len(self.dataset)))
        else:
            order = np.arange(len(self.dataset))
        if self.batch_size is None:
            return iter(order)
        stop = len(order) - len(order) % self.batch_size if self.drop_last else len(order)
        return (order[start:start + self.batch_size] for start in range(0, stop, self.batch_size))

    def _fetch(self, indices):
        if self.batch_size is None and self.batch_sampler is None:
            item = self.dataset[indices.item() if isinstance(indices, np.generic) else indices]
            return item if self.collate_fn is None else self.collate_fn(item)
        if self.collate_fn is None and getattr(self.dataset, "batchable", False):
            return list(self.dataset[np.asarray(indices, dtype=np.int64)])
        items = [self.dataset[i.item() if isinstance(i, np.generic) else i] for i in indices]
        return (self.collate_fn or default_collate)(items)

    def _iterable_batches(self):
        collate = self.collate_fn or default_collate
        if self.batch_size is None:
            yield from (item if self.collate_fn is None else self.collate_fn(item) for item in self.dataset)
            return
        batch = []
        for item in self.dataset:
            batch.append(item)
            if len(batch) == self.batch_size:
                yield collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield collate(batch)
