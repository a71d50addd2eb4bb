"""Tests for t2j_rag.lint.registry and the Rule records: every rule is complete, listed once, and runs alone."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import textwrap
from pathlib import Path

import pytest

import t2j_rag.lint as lint_pkg
from t2j_rag.corpus import load_corpus
from t2j_rag.lint import NOTES, RULES, LintContext, Rule, lint_jax
from t2j_rag.lint.registry import ALL_RULES
from t2j_rag.lint.torch_facts import TorchFacts

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
HEADER = "import jax\nimport jax.numpy as jnp\nfrom flax import nnx\n"

# One pitfall per rule: (JAX code, PyTorch code or None).
PITFALLS = {
    "torch-leftover": ("y = torch.zeros(3)\n", None),
    "torch-kwargs": ("y = jnp.sum(x, dim=1)\n", None),
    "inplace-mutation": ("def f(x):\n    x.add_(1.0)\n    return x\n", None),
    "traced-python": ("@jax.jit\ndef f(x):\n    if x.sum() > 0:\n        return x\n    return -x\n", None),
    "device-move": ("def f(x):\n    return x.cuda()\n", None),
    "dropout-rng": ("class M(nnx.Module):\n    def __init__(self, *, rngs):\n        self.d = nnx.Dropout(0.1)\n",
                    None),
    "batchnorm-momentum": ("bn = nnx.BatchNorm(4, momentum=0.1, rngs=nnx.Rngs(0))\n", None),
    "layernorm-eps": ("ln = nnx.LayerNorm(4, rngs=nnx.Rngs(0))\n", "import torch.nn as nn\nln = nn.LayerNorm(4)\n"),
    "gelu-approximate": ("y = jax.nn.gelu(x)\n", "import torch.nn.functional as F\ny = F.gelu(x)\n"),
    "plain-module-list": ("class M(nnx.Module):\n    def __init__(self, *, rngs):\n"
                          "        self.layers = [nnx.Linear(2, 2, rngs=rngs)]\n", None),
    "nhwc-reshape": ("def f(x):\n    x = jnp.transpose(x, (0, 2, 3, 1))\n    return x.reshape(x.shape[0], -1)\n", None),
    "std-ddof": ("s = jnp.std(x)\n", "import torch\ns = torch.std(x)\n"),
}


@pytest.fixture(scope="module")
def corpus_note_ids():
    return {e.id for e in load_corpus([CORPUS]) if e.kind == "note"}


def test_rule_ids_are_unique_and_the_views_follow_the_registry():
    ids = [r.id for r in ALL_RULES]
    assert len(ids) == len(set(ids))
    assert list(RULES) == ids and list(NOTES) == ids
    assert "syntax" not in ids  # reserved for code that does not parse


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_every_rule_is_a_complete_record(rule, corpus_note_ids):
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id)
    assert rule.description and "\n" not in rule.description
    assert rule.notes and len(set(rule.notes)) == len(rule.notes)
    assert set(rule.notes) <= corpus_note_ids
    assert callable(rule.check)


def test_every_rule_defined_in_the_package_is_registered():
    defined = []
    for info in pkgutil.iter_modules(lint_pkg.__path__):
        module = importlib.import_module(f"t2j_rag.lint.{info.name}")
        defined += [v for v in vars(module).values() if isinstance(v, Rule)]
    assert {r.id for r in defined} == {r.id for r in ALL_RULES}
    assert all(r in ALL_RULES for r in defined)


def test_every_rule_has_a_pitfall_example():
    assert set(PITFALLS) == set(RULES)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_each_check_runs_alone_and_names_only_its_own_notes(rule):
    code, torch_code = PITFALLS[rule.id]
    code = HEADER + textwrap.dedent(code)
    hits = list(rule.check(LintContext(ast.parse(code), TorchFacts.from_source(torch_code))))
    assert hits, f"{rule.id} did not fire on its pitfall"
    assert all(h.note is None or h.note in rule.notes for h in hits)
    assert rule.id in {f.rule for f in lint_jax(code, torch_code)}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_each_check_is_quiet_on_clean_code(rule):
    code = HEADER + textwrap.dedent("""
        class MLP(nnx.Module):
            def __init__(self, d, *, rngs: nnx.Rngs):
                self.layers = nnx.List([nnx.Linear(d, d, rngs=rngs) for _ in range(2)])
                self.drop = nnx.Dropout(0.1, rngs=rngs)

            def __call__(self, x):
                for layer in self.layers:
                    x = self.drop(jax.nn.relu(layer(x)))
                return jnp.mean(x, axis=-1)
    """)
    assert list(rule.check(LintContext(ast.parse(code), TorchFacts.from_source(None)))) == []
