"""The verifier end to end, in the sandbox: subtle bugs are caught with the right stage."""

import textwrap

import pytest

from t2j_rag.errors import InputError
from t2j_rag.sandbox import Limits, Worker
from t2j_rag.verify import VerifyOptions, find_entry, verify_code

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def worker():
    with Worker(Limits(timeout=120)) as w:
        yield w


def check(torch_code, jax_code, worker, **opts):
    return verify_code(textwrap.dedent(torch_code), textwrap.dedent(jax_code), VerifyOptions(**opts), worker)


LINEAR_GELU_T = """
import torch, torch.nn as nn
class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 32)
        self.act = nn.GELU()
    def forward(self, x):
        return self.act(self.fc(x))
def get_inputs():
    return [torch.randn(8, 16)]
def get_init_inputs():
    return []
"""
LINEAR_GELU_J = """
import jax
from flax import nnx
class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(16, 32, rngs=rngs)
    def __call__(self, x):
        return jax.nn.gelu(self.fc(x), approximate=APPROX)
"""

BN_T = """
import torch, torch.nn as nn
class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm2d(4)
    def forward(self, x):
        return self.bn(x)
def get_inputs():
    return [torch.randn(2, 4, 5, 5)]
"""
BN_J = """
from flax import nnx
class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.bn = nnx.BatchNorm(4, axis=1, epsilon=EPS, momentum=0.9, rngs=rngs)
    def __call__(self, x):
        return self.bn(x)
"""

STD_T = """
import torch
def spread(x):
    return x.std(dim=1)
def get_inputs():
    return [torch.randn(4, 6)]
"""
STD_J = """
import jax.numpy as jnp
def spread(x):
    return jnp.std(x, axis=1, ddof=DDOF)
"""

CONV_T = """
import torch, torch.nn as nn
class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
    def forward(self, x):
        return self.conv(x)
def get_inputs():
    return [torch.randn(2, 3, 6, 6)]
"""
CONV_J = """
import jax.numpy as jnp
from flax import nnx
class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(3, 4, (3, 3), padding=1, rngs=rngs)
    def __call__(self, x):
        y = self.conv(jnp.transpose(x, (0, 2, 3, 1)))
        return BACK
"""

INPLACE_T = """
import torch
def update(x):
    y = x.clone()
    y.mul_(2)
    y.add_(1)
    return y
def get_inputs():
    return [torch.randn(5)]
"""
INPLACE_J = """
def update(x):
    return BODY
"""


@pytest.mark.parametrize("torch_code,jax_code,stage", [
    (LINEAR_GELU_T, LINEAR_GELU_J.replace("APPROX", "False"), "ok"),
    (LINEAR_GELU_T, LINEAR_GELU_J.replace("APPROX", "True"), "numeric"),
    (BN_T, BN_J.replace("EPS", "1e-5"), "ok"),
    (BN_T, BN_J.replace("EPS", "1e-3"), "numeric"),
    (STD_T, STD_J.replace("DDOF", "1"), "ok"),
    (STD_T, STD_J.replace("DDOF", "0"), "numeric"),
    (CONV_T, CONV_J.replace("BACK", "jnp.transpose(y, (0, 3, 1, 2))"), "ok"),
    (CONV_T, CONV_J.replace("BACK", "y.reshape(2, 4, 6, 6)"), "numeric"),
    (INPLACE_T, INPLACE_J.replace("BODY", "x * 2 + 1"), "ok"),
    (INPLACE_T, INPLACE_J.replace("BODY", "(x + 1) * 2"), "numeric"),
], ids=["gelu-exact", "gelu-tanh", "bn-eps-ok", "bn-eps-1e-3", "std-unbiased", "std-biased", "nchw-ok",
        "nhwc-reshaped", "inplace-ok", "inplace-order"])
def test_subtle_bugs_are_caught(worker, torch_code, jax_code, stage):
    r = check(torch_code, jax_code, worker)
    assert r.stage == stage, r.message
    assert r.passed == (stage == "ok")


def test_module_that_ignores_its_weights_fails(worker):
    ignoring = LINEAR_GELU_J.replace("APPROX", "False").replace(
        "jax.nn.gelu(self.fc(x), approximate=False)",
        "jax.nn.gelu(nnx.Linear(16, 32, rngs=nnx.Rngs(1))(x), approximate=False)")
    r = check(LINEAR_GELU_T, ignoring, worker)
    assert r.stage == "numeric"
    renamed = LINEAR_GELU_J.replace("APPROX", "False").replace("self.fc", "self.dense")
    r = check(LINEAR_GELU_T, renamed, worker)
    assert r.stage == "weights" and "fc" in r.message


def test_gradients_are_compared(worker):
    good = LINEAR_GELU_J.replace("APPROX", "False")
    assert check(LINEAR_GELU_T, good, worker, grad=True).passed
    # Same forward values, wrong gradient: stop_gradient on the input path.
    blocked = good.replace("self.fc(x)", "self.fc(jax.lax.stop_gradient(x))")
    r = check(LINEAR_GELU_T, blocked, worker, grad=True)
    assert r.stage == "numeric" and r.mismatch_path.startswith("grad.inputs"), r.message
    assert check(LINEAR_GELU_T, blocked, worker).passed  # the forward alone cannot see it
    r = check(CONV_T, CONV_J.replace("BACK", "jnp.transpose(y, (0, 3, 1, 2))"), worker, grad=True)
    assert r.passed, r.message


@pytest.mark.parametrize("jax_code,stage,needle", [
    ("def f(:\n", "parse", "SyntaxError"),
    ("raise RuntimeError('boom at import')\n", "import", "boom at import"),
    ("def spread(x):\n    raise ValueError('boom at call')\n", "runtime", "boom at call"),
    ("def spread(x):\n    while True:\n        pass\n", "timeout", "timeout"),
    ("import numpy as np\ndef spread(x):\n    return np.ones((1 << 40,), dtype=np.uint8)\n", "memory", "emory"),
    ("def other(x):\n    return x\n", "construct", "spread"),
    ("import jax.numpy as jnp\ndef spread(x):\n    return jnp.std(x, axis=0, ddof=1)\n", "shape", "shape"),
    ("import jax.numpy as jnp\ndef spread(x):\n    return jnp.argmax(x, axis=1)\n", "dtype", "dtype"),
])
def test_failure_stages_and_the_parent_survives(worker, jax_code, stage, needle):
    r = check(STD_T, jax_code, worker, timeout=10 if stage == "timeout" else 120)
    assert (r.passed, r.stage) == (False, stage), r.message
    assert needle in r.message
    # the worker recovers for the next job
    assert check(STD_T, STD_J.replace("DDOF", "1"), worker).passed


def test_inputs_from_spec_and_entry_detection(worker):
    no_harness = "import torch\ndef scale(x, k):\n    return x * k\n"
    with pytest.raises(InputError, match="no inputs known"):
        check(no_harness, "def scale(x, k):\n    return x * k\n", worker, entry="scale")
    # without an entry, a file without inputs is run as a program (tests/test_program_check.py)
    whole = check(no_harness, "def scale(x, k):\n    return x * k\n", worker)
    assert (whole.passed, whole.stage, whole.entry) == (False, "capture", "<program>")
    spec = {"inputs": [{"shape": [3, 2], "dtype": "float32"}, {"value": 3}]}
    assert check(no_harness, "def scale(x, k):\n    return x * k\n", worker, spec=spec).passed
    assert check(no_harness, "def scale(x, k):\n    return x * (k + 1)\n", worker, spec=spec).stage == "numeric"
    assert find_entry("import torch.nn as nn\nclass A(nn.Module): pass\nclass B(nn.Module):\n    a = A\n") == "B"
    with pytest.raises(InputError, match="--entry"):
        find_entry("import torch.nn as nn\nclass A(nn.Module): pass\nclass B(nn.Module): pass\n")
    with pytest.raises(InputError, match="no class or function named"):
        find_entry("def f(x): pass\n", "g")


def test_lint_findings_are_reported(worker):
    r = check(LINEAR_GELU_T, LINEAR_GELU_J.replace("approximate=APPROX", "approximate=True") + "\nimport torch\n", worker)
    assert any(f.rule == "torch-leftover" for f in r.findings)


def test_train_mode_uses_batch_statistics(worker):
    good = BN_J.replace("EPS", "1e-5")
    assert check(BN_T, good, worker, train=True).passed
    # A translation that always normalises with the running statistics is right in eval mode only.
    frozen = good.replace("return self.bn(x)", "return self.bn(x, use_running_average=True)")
    assert check(BN_T, frozen, worker).passed
    assert check(BN_T, frozen, worker, train=True).stage == "numeric"


def test_spec_recorded_in_the_translation_is_used(worker):
    from t2j_rag.verify import recorded_spec, spec_header

    no_harness = "import torch\ndef scale(x, k):\n    return x * k\n"
    spec = {"inputs": [{"shape": [3, 2]}, {"value": 3}]}
    jax = spec_header(spec) + "def scale(x, k):\n    return x * k\n"
    assert recorded_spec(jax) == spec
    assert check(no_harness, jax, worker).passed
    assert check(no_harness, jax.replace("x * k", "x + k"), worker).stage == "numeric"
