"""The training helpers paste cleanly: each one runs alone with the imports `helper_imports` lists, after the
helpers it depends on, and translating imports neither jax nor optax."""

from __future__ import annotations

import subprocess
import sys

import pytest

from t2j_rag.rules.training.pasting import helper_imports, helper_names, helper_source, with_dependencies


@pytest.mark.parametrize("name", helper_names())
def test_each_helper_pastes_alone(name):
    ns: dict = {}
    exec("\n".join(helper_imports([name])) + "\n\n" + helper_source([name]), ns)
    assert name in ns and not any(k.startswith("t2j_rag") for k in ns)


def test_dependencies_come_first():
    order = with_dependencies(["LRScheduler"])
    assert order[-1] == "LRScheduler"
    assert order.index("group_hyperparams") < order.index("set_hyperparam") < order.index("set_learning_rate")
    assert "import optax" not in helper_imports(["cosine_annealing_schedule"])
    assert helper_imports(["cosine_annealing_schedule"]) == ["import math"]


def test_unknown_helper_is_an_error():
    with pytest.raises(KeyError, match="no training helper"):
        helper_source(["scale_by_magic"])


def test_translating_imports_no_jax():
    code = ("import ast, sys\n"
            "from t2j_rag.rules.training import translate_optimizer, translate_scheduler, helper_source\n"
            "c = ast.parse('torch.optim.Adam(model.parameters(), lr=1e-3)', mode='eval').body\n"
            "translate_optimizer('torch.optim.Adam', c.args, c.keywords, inject_lr=True)\n"
            "helper_source(['LRScheduler'])\n"
            "print(sorted(m for m in ('jax', 'optax', 'flax', 'torch') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
