"""Pasting the training runtime helpers: every definition of the helper files is cut out with the
other helpers it calls and the imports it needs, and each pasted block runs on its own, with no
torch and no t2j_rag at run time."""

import ast
import subprocess
import sys
import textwrap

import pytest

from t2j_rag.rules.training.pasting import (
    HELPER_FILES,
    helper_closure,
    helper_imports,
    helper_source,
    read_helper_file,
    training_helpers,
)

ALLOWED_IMPORTS = {"import collections", "import math", "import os", "import jax", "import jax.numpy as jnp",
                   "import numpy as np", "import optax", "from flax import nnx", "from flax import serialization",
                   "from typing import Any", "from typing import NamedTuple", "import dataclasses",
                   "import bisect"}


def test_every_helper_file_holds_only_imports_and_definitions():
    helpers = training_helpers()
    assert {"ArrayDataset", "DataLoader", "random_split", "Subset", "default_collate", "t2j_save_checkpoint",
            "t2j_load_checkpoint", "t2j_state_dict", "t2j_load_state_dict", "t2j_multinomial"} <= set(helpers)
    for helper in helpers.values():
        assert set(helper.imports) <= ALLOWED_IMPORTS, helper.name
        names = {n.id for n in ast.walk(ast.parse(helper.source)) if isinstance(n, ast.Name)}
        assert not names & {"torch", "t2j_rag"}, helper.name


def test_dependencies_and_imports_are_found():
    helpers = training_helpers()
    assert helpers["DataLoader"].depends == ("default_collate",)
    assert helpers["random_split"].depends == ("Subset",)
    assert helpers["t2j_load_state_dict"].depends == ("T2jIncompatibleKeys",)
    assert helper_closure(["random_split"]) == ["Subset", "random_split"]
    assert helper_imports(["t2j_load_checkpoint"]) == ["from flax import serialization"]


@pytest.mark.parametrize("name", sorted(training_helpers()))
def test_each_pasted_helper_runs_with_only_its_imports(name):
    namespace: dict = {}
    exec("\n".join(helper_imports([name])) + "\n\n" + helper_source([name]), namespace)
    assert callable(namespace[name])


def test_a_file_with_other_top_level_code_is_refused(tmp_path):
    bad = tmp_path / "bad_helpers.py"
    bad.write_text('"""Doc."""\nimport numpy as np\n\nprint("side effect")\n')
    with pytest.raises(ValueError, match="only imports and definitions"):
        read_helper_file(bad)


def test_decorated_definitions_keep_their_decorators(tmp_path):
    f = tmp_path / "deco_helpers.py"
    f.write_text(textwrap.dedent('''
        import jax


        @jax.jit
        def double(x):
            return 2 * x
    '''))
    assert read_helper_file(f)["double"].source.startswith("@jax.jit\ndef double")


def test_listing_the_helpers_imports_no_heavy_library():
    code = ("import sys\nfrom t2j_rag.rules.training import data, random, checkpoints\n"
            "from t2j_rag.rules.training.pasting import helper_source, training_helpers\n"
            "helper_source(training_helpers())\n"
            "print(sorted(m for m in ('jax', 'flax', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert len(HELPER_FILES) == 4
