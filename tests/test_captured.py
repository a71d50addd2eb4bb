"""Captured values: freezing what a program passed, the size-limited store, thawing for either side."""

import argparse
import dataclasses
import types

import numpy as np
import pytest
import torch

from t2j_rag.captured import (ArrayRef, CaptureStore, ConfigRef, Unsupported, describe, drawn_refs, freeze,
                              has_arrays, thaw)


@dataclasses.dataclass
class Config:
    d: int
    scale: float = 0.5


def test_freeze_copies_values_and_thaws_them_for_both_sides(tmp_path):
    store = CaptureStore(str(tmp_path), 16)
    x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    frozen = freeze(((x, {"k": 3}), {"mask": torch.tensor([True, False])}), store)
    x.add_(100)  # the program changing its tensor later must not change what was captured
    (args, kwargs) = frozen
    assert isinstance(args[0], ArrayRef) and args[0].shape == (2, 3) and args[0].dtype == "float32"
    assert describe(frozen) == "((float32[2, 3], {'k': 3}), {'mask': bool[2]})"
    t = thaw(frozen, store, "torch")
    assert torch.equal(t[0][0], torch.arange(6, dtype=torch.float32).reshape(2, 3))
    j = thaw(frozen, store, "jax")
    assert np.array_equal(np.asarray(j[0][0]), np.arange(6).reshape(2, 3)) and j[1]["mask"].dtype == bool
    assert has_arrays(frozen) and not has_arrays(((1, "a"), {}))


def test_config_objects_keep_their_fields_and_class(tmp_path):
    store = CaptureStore(str(tmp_path), 16)
    frozen = freeze((Config(4), types.SimpleNamespace(n=2), argparse.Namespace(lr=0.1)), store)
    assert [f.kind for f in frozen] == ["dataclass", "namespace", "namespace"]
    assert describe(frozen[0]) == "Config(d=4, scale=0.5)"
    rebuilt = thaw(frozen, store, "jax", {"Config": Config})
    assert rebuilt[0] == Config(4) and rebuilt[1].n == 2 and isinstance(rebuilt[2], argparse.Namespace)
    # a translation without that class still gets the fields
    assert thaw(frozen[0], store, "jax", {}).d == 4


@pytest.mark.parametrize("value,kind", [
    (torch.nn.Linear(2, 2), "module"),
    (torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1), "optimizer"),
    (torch.utils.data.DataLoader([1, 2]), "data loader"),
    ((i for i in range(3)), "generator"),
    (object(), "object"),
])
def test_what_cannot_be_copied_is_named(tmp_path, value, kind):
    with pytest.raises(Unsupported) as info:
        freeze([1, value], CaptureStore(str(tmp_path), 16))
    assert info.value.kind == kind


def test_arrays_over_the_budget_keep_their_shape_and_are_drawn_the_same_for_both_sides(tmp_path):
    store = CaptureStore(str(tmp_path), 0.001)  # about 1 KB
    small, big = torch.ones(8), torch.randint(3, 9, (64, 64))
    frozen = freeze((small, big), store)
    assert not frozen[0].drawn and frozen[1].drawn
    assert store.too_big and "int64[64, 64]" in store.too_big[0]
    assert drawn_refs(frozen, "inputs") == ["inputs[1] int64[64, 64]"]
    t, j = thaw(frozen, store, "torch"), thaw(frozen, store, "jax")
    assert np.array_equal(t[1].numpy(), np.asarray(j[1]))
    assert int(t[1].min()) >= 3 and int(t[1].max()) <= 8  # drawn within the original's range
    assert describe(frozen) == "(float32[8], int64[64, 64] (drawn))"


def test_bfloat16_round_trips(tmp_path):
    store = CaptureStore(str(tmp_path), 16)
    frozen = freeze(torch.tensor([1.5, -2.0], dtype=torch.bfloat16), store)
    assert frozen.dtype == "bfloat16"
    assert thaw(frozen, store, "torch").dtype == torch.bfloat16
    assert str(thaw(frozen, store, "jax").dtype) == "bfloat16"


def test_namedtuples_are_configs(tmp_path):
    import collections

    Pair = collections.namedtuple("Pair", "a b")
    frozen = freeze(Pair(1, torch.zeros(2)), CaptureStore(str(tmp_path), 16))
    assert isinstance(frozen, ConfigRef) and frozen.kind == "namedtuple" and frozen.cls_name == "Pair"
