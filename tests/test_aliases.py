"""Tests for t2j_rag.aliases: what each imported name stands for, and the one definition of a torch import."""

from __future__ import annotations

import ast

import pytest

from t2j_rag.aliases import (
    Binding,
    bindings,
    dotted,
    foreign_names,
    imported_names,
    is_torch_module,
    resolve,
    torch_aliases,
)
from t2j_rag.apis import extract_apis
from t2j_rag.lint import lint_jax
from t2j_rag.rules import translate_unit
from t2j_rag.units import assemble, split_source


def tree(source: str) -> ast.Module:
    return ast.parse(source)


# source, torch aliases, foreign names
CASES = {
    "plain torch": ("import torch", {"torch": "torch"}, set()),
    "torch.nn as nn": ("import torch.nn as nn", {"nn": "torch.nn"}, set()),
    "torch.nn without as": ("import torch.nn", {"torch": "torch"}, set()),
    "from torch import nn": ("from torch import nn", {"nn": "torch.nn"}, set()),
    "functional as F": ("from torch.nn import functional as F", {"F": "torch.nn.functional"}, set()),
    "torch_scatter": ("import torch_scatter", {"torch_scatter": "torch_scatter"}, set()),
    "numpy as np": ("import numpy as np", {}, {"np"}),
    "non-torch from": ("from collections import OrderedDict as OD", {}, {"OD"}),
    "dotted non-torch": ("import os.path", {}, {"os"}),
    "relative": ("from . import blocks\nfrom .layers import Block as B", {}, {"blocks", "B"}),
    "relative named torch-like": ("from .torch_utils import helper", {}, {"helper"}),
}


@pytest.mark.parametrize("source, torch, foreign", CASES.values(), ids=CASES.keys())
def test_torch_aliases_and_foreign_names(source, torch, foreign):
    t = tree(source)
    assert torch_aliases(t) == torch
    assert foreign_names(t) == foreign
    # every bound name is exactly one of the two
    assert {b.name for b in bindings(t)} == set(torch) | foreign


def test_bindings_say_what_each_name_stands_for():
    src = "import torch.nn as nn\nimport jax\nfrom flax import nnx\nfrom .blocks import Block\nfrom os.path import *\n"
    assert bindings(tree(src)) == [
        Binding("nn", "torch.nn", True),
        Binding("jax", "jax", False),
        Binding("nnx", "flax.nnx", False),
        Binding("Block", None, False),  # a relative import: the user's own package, path unknown
    ]


def test_imported_names_cover_every_absolute_import_and_override_defaults():
    src = "import numpy as np\nimport jax.numpy as jnp\nfrom torch.nn import functional as F\nfrom . import utils\n"
    names = imported_names(tree(src), {"np": "not-numpy", "nnx": "flax.nnx"})
    assert names == {"np": "numpy", "jnp": "jax.numpy", "F": "torch.nn.functional", "nnx": "flax.nnx"}


def test_imports_inside_functions_count_and_a_later_import_wins():
    src = "import numpy as np\n\ndef f():\n    import jax.numpy as np\n    return np.zeros(1)\n"
    assert imported_names(tree(src)) == {"np": "jax.numpy"}


@pytest.mark.parametrize("module", ["torch", "torch.nn.functional", "torchvision.models", "torchaudio",
                                    "torchtext.vocab", "torch_scatter", "torch_geometric.nn"])
def test_torch_and_its_ecosystem_are_torch(module):
    assert is_torch_module(module)


@pytest.mark.parametrize("module", ["numpy", "jax.numpy", "flax.nnx", "math", "einops", "", None])
def test_other_modules_are_not_torch(module):
    assert not is_torch_module(module)


def test_resolve_follows_aliases_and_gives_none_for_unbound_names():
    aliases = {"nn": "torch.nn", "F": "torch.nn.functional"}
    expr = lambda s: ast.parse(s, mode="eval").body  # noqa: E731
    assert resolve(expr("nn.Linear"), aliases) == "torch.nn.Linear"
    assert resolve(expr("F"), aliases) == "torch.nn.functional"
    assert resolve(expr("x.view"), aliases) is None
    assert resolve(expr("nn.Linear(3, 4).weight"), aliases) is None  # not a dotted name
    assert dotted(expr("a.b.c")) == "a.b.c" and dotted(expr("f().b")) is None


# ------------------------------------------------------------- the users agree on torch-ecosystem imports


SCATTER = "import torch\nimport torch_scatter\n\ndef f(src, index):\n    return torch_scatter.scatter_add(src, index)\n"


def test_apis_extract_ecosystem_calls_as_torch_apis():
    assert extract_apis(SCATTER) == ["torch_scatter.scatter_add"]
    assert extract_apis("import numpy as np\nx = np.ones(3).sum()\n") == []


def test_assembled_file_drops_ecosystem_imports_like_torch_imports():
    source = split_source(SCATTER.replace("import torch\n", "import torch\nimport numpy as np\n"))
    out = assemble(source, {"f": "def f(src, index):\n    return src\n"})
    imports = [line for line in out.splitlines() if line.startswith(("import", "from"))]
    assert imports == ["import numpy as np"]


def test_lint_flags_ecosystem_imports_left_in_jax_code():
    findings = lint_jax("import jax.numpy as jnp\nimport torchvision\nfrom torch_geometric.nn import GCNConv\n"
                        "y = torchvision.ops.nms(a, b, 0.5)\n")
    assert [(f.rule, f.line) for f in findings] == [("torch-leftover", 2), ("torch-leftover", 3),
                                                    ("torch-leftover", 4)]


def test_engine_leaves_ecosystem_calls_untranslated():
    unit = "def f(src, index):\n    return torch_scatter.scatter_add(src, index)\n"
    result = translate_unit(unit, "import torch\nimport torch_scatter\n")
    assert [u.construct for u in result.untranslated] == ["torch_scatter.scatter_add"]

    layer = ("class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
             "        self.conv = GCNConv(3, 4)\n")
    result = translate_unit(layer, "import torch.nn as nn\nfrom torch_geometric.nn import GCNConv\n")
    assert [u.construct for u in result.untranslated] == ["torch_geometric.nn.GCNConv"]
    assert "GCNConv(3, 4)\n" in result.code  # kept as written under its TODO, not given rngs= as a local layer
