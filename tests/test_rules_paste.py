"""The runtime helpers as pasted source (t2j_rag/rules/paste.py over t2j_rag/rules/runtime/): every
helper module imports, what is pasted is the module's own text, dependencies are computed from the
names a helper uses, and the helpers pasted into a translation are closed under those dependencies."""

import ast
import importlib

import pytest

from t2j_rag.rules import paste, translate_unit
from t2j_rag.rules.runtime import MODULES

CONTEXT = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"


def test_module_list_names_every_file_of_the_runtime_package():
    files = {p.stem for p in paste.RUNTIME_DIR.glob("*.py")} - {"__init__"}
    assert sorted(MODULES) == sorted(files)


@pytest.mark.parametrize("module", MODULES)
def test_every_helper_module_imports_and_pastes_its_own_text(module):
    mod = importlib.import_module(f"t2j_rag.rules.runtime.{module}")
    source = (paste.RUNTIME_DIR / f"{module}.py").read_text()
    names = [n for n in paste.helper_names() if paste.helper(n).module == module]
    assert names
    for name in names:
        assert hasattr(mod, name), name
        assert paste.helper(name).text in source


def test_the_line_scan_finds_the_helpers_the_parse_finds():
    parsed = {n for m in MODULES for names, _, _ in paste.parse_module(m)[0] for n in names}
    assert parsed == paste.helper_names()
    assert {"t2j_tuple", "ConvNCHW", "T2jValuesIndices", "T2jMinMax", "LossWithBuffers"} <= parsed


def test_dependencies_are_computed_from_the_names_a_helper_uses():
    assert paste.helper("ConvNCHW").uses == ("t2j_tuple",)
    assert paste.helper("ConvPaddedNCHW").uses == ("ConvNCHW", "t2j_tuple")  # a base class counts
    assert paste.helper("t2j_triplet_margin_loss").uses == ("t2j_pairwise_distance", "t2j_reduce")  # across modules
    assert paste.helper("t2j_tuple").uses == ()
    # the two named tuples are written on adjacent lines: one helper, which needs its import pasted
    assert paste.helper("T2jMinMax") is paste.helper("T2jValuesIndices")
    assert paste.helper("t2j_sort").uses == ("T2jValuesIndices",)
    assert paste.helper("T2jValuesIndices").imports == ("import collections as _t2j_collections",)


def test_helper_source_puts_dependencies_first_and_extra_imports_once():
    # requested names in name order, each after its own dependencies (also in name order)
    order = [h.names[0] for h in paste.closure(["t2j_sort", "t2j_aminmax", "AdaptivePool"])]
    assert order == ["t2j_adaptive_pool", "t2j_tuple", "AdaptivePool", "T2jValuesIndices", "t2j_aminmax", "t2j_sort"]
    text = paste.helper_source(["t2j_sort", "t2j_aminmax", "AdaptivePool"])
    assert text.count("import collections as _t2j_collections") == 1
    assert text.index("import collections") < text.index("T2jValuesIndices = ")
    assert "import collections" not in paste.helper_source(["t2j_sort"], ("import collections as _t2j_collections",))
    assert paste.helper_source(["Pool"]).count("def ") == 4  # t2j_tuple, t2j_pool and Pool's two methods


def test_every_helper_pasted_alone_is_complete_python():
    import jax
    import jax.numpy as jnp
    from flax import nnx

    for name in sorted(paste.helper_names()):
        tree = ast.parse(paste.helper_source([name]))
        defined = {n for node in tree.body for n in _defines(node)}
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in paste.helper_names()}
        assert used <= defined, (name, used - defined)
    exec(paste.helper_source(paste.helper_names()), {"jax": jax, "jnp": jnp, "nnx": nnx})


def _defines(node):
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    return []


def test_the_helpers_pasted_into_a_translation_are_closed_under_their_dependencies():
    src = ("class Net(nn.Module):\n"
           "    def __init__(self):\n"
           "        super().__init__()\n"
           "        self.conv = nn.Conv2d(3, 8, 3, padding_mode='reflect', padding=1)\n"
           "        self.pool = nn.AdaptiveAvgPool2d(2)\n"
           "        self.crit = nn.TripletMarginLoss(margin=0.5)\n\n"
           "    def forward(self, x, y):\n"
           "        h = self.pool(F.group_norm(self.conv(x), 2))\n"
           "        v, i = torch.sort(h.flatten(1), dim=1)\n"
           "        return self.crit(v, v, v) + F.max_pool2d(x, 2).sum() + i.sum()\n")
    res = translate_unit(src, CONTEXT)
    assert not res.untranslated, res.untranslated
    tree = ast.parse(res.code)
    position = {}
    for i, node in enumerate(tree.body):
        for n in _defines(node):
            position.setdefault(n, i)
    pasted = [n for n in position if n in paste.helper_names()]
    assert {"ConvPaddedNCHW", "AdaptivePool", "t2j_sort", "t2j_triplet_margin_loss"} <= set(pasted)
    for name in pasted:
        for dep in paste.helper(name).uses:
            assert dep in position and position[dep] < position[name], (name, dep)
    assert res.code.count("import collections as _t2j_collections") == 1
