"""Tests for t2j_rag.lint: each rule fires on its pitfall and stays quiet on idiomatic code."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from t2j_rag.corpus import load_corpus
from t2j_rag.errors import InputError
from t2j_rag.lint import NOTES, RULES, Finding, lint_jax

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

HEADER = "import jax\nimport jax.numpy as jnp\nfrom flax import nnx\n"


def lint(code: str, torch_code: str | None = None) -> list[Finding]:
    jax_src = textwrap.dedent(code)
    return lint_jax(jax_src, textwrap.dedent(torch_code) if torch_code is not None else None)


def rules_of(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def lines_of(findings: list[Finding], rule: str) -> list[int]:
    return [f.line for f in findings if f.rule == rule]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus([CORPUS])


# ---------------------------------------------------------------- general behaviour


CLEAN_MODULE = HEADER + textwrap.dedent('''
    from functools import partial


    class Block(nnx.Module):
        """A residual MLP block written the way the corpus writes NNX code."""

        def __init__(self, d: int, depth: int, *, rngs: nnx.Rngs):
            self.norm = nnx.LayerNorm(d, epsilon=1e-5, rngs=rngs)
            self.layers = nnx.List([nnx.Linear(d, d, rngs=rngs) for _ in range(depth)])
            self.heads = nnx.Dict({"cls": nnx.Linear(d, 3, rngs=rngs)})
            self.bn = nnx.BatchNorm(d, momentum=0.9, epsilon=1e-5, rngs=rngs)
            self.drop = nnx.Dropout(0.1, rngs=rngs)
            self.count = nnx.BatchStat(jnp.zeros(()))
            self.sizes = [d] * depth
            self.act = partial(jax.nn.gelu, approximate=False)

        def __call__(self, x, mask=None):
            if mask is not None:
                x = jnp.where(mask[..., None], x, 0.0)
            if x.ndim == 3 and x.shape[1] > 1:
                x = x.mean(axis=1)
            h = self.norm(x)
            for layer in self.layers:
                h = h + self.drop(self.act(layer(h)))
            self.count[...] = self.count[...] + 1
            cache = {}
            cache["h"] = h
            h = h.at[:, 0].set(0.0)
            std = jnp.std(h, axis=-1, keepdims=True, ddof=1)
            return self.heads["cls"](self.bn(h / (std + 1e-5)))


    @nnx.jit
    def train_step(model, optimizer, x, y):
        def loss_fn(m):
            return jnp.mean((m(x) - y) ** 2)

        loss, grads = nnx.value_and_grad(loss_fn)(model)
        optimizer.update(model, grads)
        return loss
''')

CLEAN_TORCH = """
import torch
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, d, depth):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.layers = nn.ModuleList([nn.Linear(d, d) for _ in range(depth)])
        self.heads = nn.ModuleDict({"cls": nn.Linear(d, 3)})
        self.bn = nn.BatchNorm1d(d)
        self.drop = nn.Dropout(0.1)
        self.act = nn.GELU()

    def forward(self, x, mask=None):
        h = self.norm(x)
        std = h.std(dim=-1, keepdim=True)
        return self.heads["cls"](self.bn(h / (std + 1e-5)))
"""


def test_clean_idiomatic_module_has_no_findings():
    assert lint_jax(CLEAN_MODULE) == []
    assert lint_jax(CLEAN_MODULE, CLEAN_TORCH) == []


def test_syntax_error_gives_one_syntax_finding():
    findings = lint_jax("import jax\n\ndef f(x:\n    return x\n")
    assert len(findings) == 1
    f = findings[0]
    assert f.rule == "syntax" and f.note is None and f.line == 3
    assert "SyntaxError" in f.message


def test_null_byte_is_reported_not_raised():
    findings = lint_jax("x = 1\0\n")
    assert [f.rule for f in findings] == ["syntax"]


def test_torch_code_with_syntax_error_is_ignored():
    # The PyTorch side is context only; its own errors are the verifier's business.
    assert lint_jax("y = jax.nn.gelu(x)\n", "def broken(:\n") == []


def test_non_string_input_is_a_user_error():
    with pytest.raises(InputError, match="string"):
        lint_jax(None)
    with pytest.raises(InputError, match="PyTorch code"):
        lint_jax("x = 1\n", torch_code=b"import torch")


def test_findings_are_sorted_by_line_and_carry_notes():
    code = HEADER + textwrap.dedent("""
        import torch

        def f(x, y):
            x[0] = 1.0
            s = jnp.sum(y, dim=0)
            return x.cuda(), s
    """)
    findings = lint_jax(code)
    assert [f.line for f in findings] == sorted(f.line for f in findings)
    assert [f.rule for f in findings] == ["torch-leftover", "inplace-mutation", "torch-kwargs", "device-move"]
    for f in findings:
        assert f.note in NOTES[f.rule]
        assert f.message and "\n" not in f.message


def test_one_finding_per_rule_and_line():
    findings = lint("y = torch.zeros(3) + torch.ones(3)\n")
    assert len(rules_of(findings, "torch-leftover")) == 1


def test_rules_and_notes_cover_the_same_rules():
    assert set(RULES) == set(NOTES)
    assert all(RULES[r] and "\n" not in RULES[r] for r in RULES)


def test_every_note_a_rule_can_name_exists_in_the_corpus(corpus):
    notes = {e.id for e in corpus if e.kind == "note"}
    named = {n for ids in NOTES.values() for n in ids}
    assert named - notes == set()


def test_deeply_nested_expressions_do_not_exhaust_the_stack():
    expr = " + ".join(["x.sum()"] * 1500)
    code = f"import jax\n\n@jax.jit\ndef f(x):\n    y = {expr}\n    if y > 0:\n        return y\n    return x\n"
    assert lines_of(lint_jax(code), "traced-python") == [6]


@pytest.mark.slow
def test_lint_never_raises_on_the_projects_own_python():
    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "t2j_rag").rglob("*.py")) + sorted((root / "tests").glob("*.py"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        findings = lint_jax(text, text)
        assert all(isinstance(f, Finding) for f in findings), path


# ---------------------------------------------------------------- corpus


def test_corpus_jax_sides_are_lint_clean(corpus):
    """The corpus is the reference for correct code: no rule may fire on any pair's JAX side."""
    pairs = [e for e in corpus if e.kind in ("pair", "fix")]
    assert len(pairs) > 20
    bad = [f"{e.id} line {f.line}: {f.rule}: {f.message}" for e in pairs for f in lint_jax(e.jax_code, e.torch_code)]
    assert bad == []


# ---------------------------------------------------------------- torch-leftover


def test_torch_leftover_fires_on_imports_and_attributes():
    findings = lint("""
        import torch
        import torch.nn.functional as F
        from torch import nn
        import jax.numpy as jnp

        def f(x):
            y = torch.relu(x)
            z = F.gelu(y)
            return nn.functional.relu(z).astype(torch.float32)
    """)
    assert lines_of(findings, "torch-leftover") == [2, 3, 4, 8, 9, 10]
    assert all(f.note == "lint-torch-leftover" for f in rules_of(findings, "torch-leftover"))


def test_torch_leftover_quiet_on_jax_code_mentioning_torch_in_strings_and_names():
    findings = lint('''
        import jax.numpy as jnp

        def f(x, torch_layout=True):
            """Ported from torch.nn.functional.relu."""
            name = "torch.relu"
            self_torch = x
            return jnp.maximum(self_torch, 0)
    ''')
    assert rules_of(findings, "torch-leftover") == []


# ---------------------------------------------------------------- torch-kwargs


def test_torch_kwargs_fire_with_the_right_spelling():
    findings = lint("""
        import jax
        from jax import numpy as np_
        import jax.numpy as jnp
        from flax import nnx

        def f(x):
            a = jnp.sum(x, dim=1)
            b = np_.mean(x, axis=1, keepdim=True)
            c = jax.nn.softmax(x, dim=-1)
            d = jnp.std(x, unbiased=False)
            e = x.max(dim=0)
            g = nnx.log_softmax(x, dim=-1)
            return a, b, c, d, e, g
    """)
    by_line = {f.line: f for f in rules_of(findings, "torch-kwargs")}
    assert sorted(by_line) == [8, 9, 10, 11, 12, 13]
    assert "axis=" in by_line[8].message
    assert "keepdims=" in by_line[9].message
    assert "ddof=" in by_line[11].message and by_line[11].note == "tensors-std-var-correction"
    assert by_line[8].note == "tensors-reduction-kwargs"


def test_torch_kwargs_quiet_on_jax_spelling_and_other_calls():
    findings = lint("""
        import jax
        import jax.numpy as jnp

        def f(x, model):
            a = jnp.sum(x, axis=1, keepdims=True)
            b = jax.nn.softmax(x, axis=-1)
            c = jnp.std(x, ddof=1)
            d = model.encode(x, dim=3)        # user code may name its own keyword dim
            e = x.max(axis=0)
            return a, b, c, d, e
    """)
    assert rules_of(findings, "torch-kwargs") == []


# ---------------------------------------------------------------- inplace-mutation


def test_inplace_mutation_fires_on_array_item_assignment_and_inplace_methods():
    findings = lint("""
        import jax.numpy as jnp

        def f(x, w, b):
            out = jnp.zeros((3, 4))
            out[0] = x
            x[:, 0] += 1.0
            w.add_(b)
            w.clamp_(min=0.0)
            b.zero_()
            return out, x
    """)
    inplace = {f.line: f for f in rules_of(findings, "inplace-mutation")}
    assert sorted(inplace) == [6, 7, 8, 9, 10]
    assert "out = out.at[0].set(v)" in inplace[6].message
    assert "x = x.at[:, 0].add(v)" in inplace[7].message
    assert inplace[6].note == "tensors-index-assignment"
    assert "jnp.clip" in inplace[9].message and inplace[9].note == "tensors-inplace-aliasing"


def test_inplace_mutation_quiet_on_python_containers_numpy_and_variables():
    findings = lint("""
        import collections
        import numpy as np
        import jax.numpy as jnp
        from flax import nnx

        class M(nnx.Module):
            def __init__(self, n, *, rngs):
                table = np.zeros((n, n), dtype=np.float32)
                table[0, :] = 1.0
                self.table = nnx.Variable(jnp.asarray(table))

            def __call__(self, x, cache: dict, **kwargs):
                stats = {}
                stats["mean"] = x.mean()
                seen = []
                seen += [1]
                counts = collections.defaultdict(int)
                counts[0] += 1
                cache["x"] = x
                kwargs["y"] = x
                self.table[...] = self.table[...] * 0.5
                x = x.at[0].set(1.0)
                return x, stats
    """)
    assert rules_of(findings, "inplace-mutation") == []


# ---------------------------------------------------------------- traced-python


def test_traced_python_fires_inside_jit():
    findings = lint("""
        from functools import partial
        import jax
        import jax.numpy as jnp

        @jax.jit
        def step(x, y):
            loss = jnp.mean((x - y) ** 2)
            if loss > 1.0:
                loss = loss / 2
            n = int(y.sum())
            return loss.item(), n

        @partial(jax.jit, static_argnames=("train",))
        def fwd(x, train, scale):
            if train:
                x = x * 2
            while scale > 0:
                scale = scale - 1
            return x.tolist()

        def later(x):
            return float(x)

        compiled = jax.jit(later)
    """)
    assert lines_of(findings, "traced-python") == [9, 11, 12, 18, 20, 23]
    assert "TracerBoolConversionError" in rules_of(findings, "traced-python")[0].message
    assert all(f.note == "lint-traced-python" for f in rules_of(findings, "traced-python"))


def test_traced_python_fires_in_nnx_call_on_value_branches_only():
    findings = lint("""
        import jax.numpy as jnp
        from flax import nnx

        class M(nnx.Module):
            def __init__(self, rngs):
                self.fc = nnx.Linear(3, 3, rngs=rngs)
                self.training = True

            def __call__(self, x, mask=None):
                h = self.fc(x)
                if jnp.any(h < 0):
                    h = -h
                if h.mean() > 0:
                    h = h * 2
                return h.sum().item()
    """)
    assert lines_of(findings, "traced-python") == [12, 14, 16]


def test_traced_python_quiet_on_static_tests():
    findings = lint("""
        from functools import partial
        import jax
        import jax.numpy as jnp
        from flax import nnx

        class M(nnx.Module):
            def __init__(self, rngs):
                self.fc = nnx.Linear(3, 3, rngs=rngs)
                self.training = True

            def __call__(self, x, mask=None):
                if self.training:
                    x = x * 2
                if mask is None:
                    mask = jnp.ones(x.shape[:-1], bool)
                if x.ndim == 3 and x.shape[-1] > 1 and len(x) > 0:
                    x = x[:, 0]
                if jnp.issubdtype(x.dtype, jnp.integer):
                    x = x.astype(jnp.float32)
                return jnp.where(x.sum() > 0, self.fc(x), 0.0)

        @partial(jax.jit, static_argnums=(1,))
        def g(x, n, train=False):
            if n > 2 and train:
                x = x * n
            y = x.reshape(-1)
            if y.shape[0] % 2:
                y = y[:-1]
            return int(x.shape[0]) + y

        def eager(x):
            if x.sum() > 0:
                return float(x.max())
            return x.item()
    """)
    assert rules_of(findings, "traced-python") == []


# ---------------------------------------------------------------- device-move


def test_device_move_fires():
    findings = lint("""
        import torch
        import jax.numpy as jnp

        def f(x, model):
            device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
            x = x.to(device)
            model = model.cuda()
            y = x.cpu()
            if x.device == "cuda":
                y = y * 2
            z = x.to(jnp.float16)
            w = jnp.zeros(3, device="cuda")
            return y, z, w
    """)
    device = {f.line: f for f in rules_of(findings, "device-move")}
    assert sorted(device) == [6, 7, 8, 9, 10, 12, 13]
    assert "astype" in device[12].message and device[12].note == "tensors-cast-methods"
    assert device[7].note == "tensors-device-moves"
    # torch.device / torch.cuda are reported as device moves, not twice
    assert lines_of(findings, "torch-leftover") == [2]


def test_device_move_quiet_on_jax_placement():
    findings = lint("""
        import jax
        import jax.numpy as jnp

        def f(x):
            cpu = jax.devices("cpu")[0]
            x = jax.device_put(x, cpu)
            on_gpu = jax.default_backend() == "gpu"
            return x.astype(jnp.float16), on_gpu
    """)
    assert rules_of(findings, "device-move") == []


# ---------------------------------------------------------------- dropout-rng


def test_dropout_rng_fires():
    findings = lint("""
        import jax
        from flax import nnx

        class M(nnx.Module):
            def __init__(self, d, *, rngs: nnx.Rngs):
                self.fc = nnx.Linear(d, d, rngs=rngs)
                self.drop = nnx.Dropout(0.1)

            def __call__(self, x):
                x = self.drop(self.fc(x), deterministic=False)
                noise = jax.random.normal(jax.random.key(0), x.shape)
                key = jax.random.PRNGKey(42)
                mask = jax.random.bernoulli(key, 0.9, x.shape)
                return x * mask + noise

        class NoRngs(nnx.Module):
            def __init__(self):
                self.drop = nnx.Dropout(0.5)

            def __call__(self, x):
                return self.drop(x, deterministic=False)
    """)
    drop = {f.line: f for f in rules_of(findings, "dropout-rng")}
    assert sorted(drop) == [8, 11, 12, 14, 22]
    assert "rngs=rngs" in drop[8].message and drop[8].note == "modules-dropout-rate-rngs"
    assert drop[12].note == "tensors-random-keys"


def test_dropout_rng_quiet_on_idiomatic_rngs():
    findings = lint("""
        import jax
        from flax import nnx

        class M(nnx.Module):
            def __init__(self, d, *, rngs: nnx.Rngs):
                self.drop = nnx.Dropout(0.1, rngs=rngs)
                self.plain = nnx.Dropout(0.2)          # only used deterministically or with call-time rngs
                self.rngs = rngs

            def __call__(self, x, rngs=None):
                x = self.drop(x)
                x = self.plain(x, deterministic=False, rngs=rngs)
                noise = jax.random.normal(self.rngs.noise(), x.shape)
                return x + noise

        def make_data():
            return jax.random.normal(jax.random.key(0), (4, 3))  # fixed seeds are fine outside __call__
    """)
    assert lines_of(findings, "dropout-rng") == [8]  # the unkeyed one still lacks rngs= though rngs is at hand


# ---------------------------------------------------------------- batchnorm-momentum


BN_TORCH = """
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm2d(8, momentum=0.05)
"""


def test_batchnorm_momentum_fires_on_torch_convention():
    findings = lint("""
        from flax import nnx
        bn = nnx.BatchNorm(8, momentum=0.1, rngs=nnx.Rngs(0))
    """)
    (f,) = rules_of(findings, "batchnorm-momentum")
    assert f.line == 3 and "momentum=0.9" in f.message and f.note == "modules-batchnorm-momentum"


def test_batchnorm_momentum_names_the_exact_value_from_torch():
    findings = lint("""
        from flax import nnx
        a = nnx.BatchNorm(8, momentum=0.05, rngs=nnx.Rngs(0))
        b = nnx.BatchNorm(8, rngs=nnx.Rngs(0))
        c = nnx.BatchNorm(8, momentum=0.95, rngs=nnx.Rngs(0))
    """, BN_TORCH)
    momentum = {f.line: f.message for f in rules_of(findings, "batchnorm-momentum")}
    assert sorted(momentum) == [3, 4]
    assert "momentum=0.95" in momentum[3] and "momentum=0.95" in momentum[4]


def test_batchnorm_momentum_quiet_when_converted():
    torch_default = (
        "import torch.nn as nn\nbn = nn.BatchNorm1d(4)\nbn2 = nn.BatchNorm1d(4, track_running_stats=False)\n")
    findings = lint("""
        from flax import nnx
        bn = nnx.BatchNorm(4, momentum=0.9, rngs=nnx.Rngs(0))
        free = nnx.BatchNorm(4, momentum=0.99, rngs=nnx.Rngs(0))
    """, torch_default)
    assert rules_of(findings, "batchnorm-momentum") == []
    assert rules_of(lint("from flax import nnx\nbn = nnx.BatchNorm(4, rngs=nnx.Rngs(0))\n"), "batchnorm-momentum") == []


# ---------------------------------------------------------------- layernorm-eps

LN_TORCH = """
import torch.nn as nn
class M(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln = nn.LayerNorm(d)
        self.gn = nn.GroupNorm(4, d)
        self.bn = nn.BatchNorm1d(d, eps=1e-3)
        self.rms = nn.RMSNorm(d)
"""


def test_layernorm_eps_fires_on_flax_defaults_that_differ():
    findings = lint("""
        from flax import nnx

        class M(nnx.Module):
            def __init__(self, d, *, rngs):
                self.ln = nnx.LayerNorm(d, rngs=rngs)
                self.gn = nnx.GroupNorm(d, num_groups=4, rngs=rngs)
                self.bn = nnx.BatchNorm(d, momentum=0.9, rngs=rngs)
                self.rms = nnx.RMSNorm(d, rngs=rngs)
    """, LN_TORCH)
    eps = {f.line: f for f in rules_of(findings, "layernorm-eps")}
    assert sorted(eps) == [6, 7, 8, 9]
    assert "epsilon=1e-05" in eps[6].message and eps[6].note == "modules-layernorm-eps"
    assert "epsilon=0.001" in eps[8].message
    assert eps[9].note == "modules-rmsnorm-eps"


def test_layernorm_eps_quiet_when_matched_or_without_torch():
    good = """
        import jax.numpy as jnp
        from flax import nnx

        class M(nnx.Module):
            def __init__(self, d, *, rngs):
                self.ln = nnx.LayerNorm(d, epsilon=1e-5, rngs=rngs)
                self.gn = nnx.GroupNorm(d, num_groups=4, epsilon=1e-5, rngs=rngs)
                self.bn = nnx.BatchNorm(d, momentum=0.9, epsilon=1e-3, rngs=rngs)
                self.rms = nnx.RMSNorm(d, epsilon=float(jnp.finfo(jnp.float32).eps), rngs=rngs)
    """
    assert rules_of(lint(good, LN_TORCH), "layernorm-eps") == []
    assert rules_of(lint("from flax import nnx\nln = nnx.LayerNorm(4, rngs=nnx.Rngs(0))\n"), "layernorm-eps") == []


# ---------------------------------------------------------------- gelu-approximate

GELU_TORCH = "import torch.nn as nn\nimport torch.nn.functional as F\nact = nn.GELU()\ny = F.gelu(x)\n"


def test_gelu_approximate_fires_on_default_and_bare_reference():
    findings = lint("""
        import jax
        from flax import nnx

        def f(x, fc):
            h = jax.nn.gelu(fc(x))
            h = nnx.gelu(h, approximate=True)
            seq = nnx.Sequential(fc, jax.nn.gelu)
            return seq(h)
    """, GELU_TORCH)
    assert lines_of(findings, "gelu-approximate") == [6, 7, 8]
    assert "approximate=False" in rules_of(findings, "gelu-approximate")[0].message


def test_gelu_approximate_follows_the_torch_flavour():
    good_exact = """
        from functools import partial
        import jax

        def f(x):
            act = partial(jax.nn.gelu, approximate=False)
            return act(jax.nn.gelu(x, approximate=False))
    """
    assert rules_of(lint(good_exact, GELU_TORCH), "gelu-approximate") == []
    # without the PyTorch side the default is a legitimate JAX choice
    assert rules_of(lint("import jax\ny = jax.nn.gelu(x)\n"), "gelu-approximate") == []
    tanh_torch = "import torch.nn as nn\nact = nn.GELU(approximate='tanh')\n"
    assert rules_of(lint("import jax\ny = jax.nn.gelu(x)\n", tanh_torch), "gelu-approximate") == []
    assert lines_of(lint("import jax\ny = jax.nn.gelu(x, approximate=False)\n", tanh_torch), "gelu-approximate") == [2]


# ---------------------------------------------------------------- plain-module-list


def test_plain_module_list_fires():
    findings = lint("""
        from flax import nnx

        class Block(nnx.Module):
            def __init__(self, d, *, rngs):
                self.fc = nnx.Linear(d, d, rngs=rngs)

        class M(nnx.Module):
            def __init__(self, d, depth, *, rngs):
                self.blocks = [Block(d, rngs=rngs) for _ in range(depth)]
                self.pair = (nnx.Linear(d, d, rngs=rngs), nnx.Linear(d, d, rngs=rngs))
                self.heads = {"a": nnx.Linear(d, 1, rngs=rngs)}
                layers = []
                for _ in range(depth):
                    layers.append(nnx.Linear(d, d, rngs=rngs))
                self.layers = layers
                self.scales = [nnx.Param(jnp.ones(d)) for _ in range(depth)]
    """)
    plain = {f.line: f for f in rules_of(findings, "plain-module-list")}
    assert sorted(plain) == [10, 11, 12, 16, 17]
    assert "nnx.List" in plain[10].message and "nnx.Dict" in plain[12].message
    assert plain[10].note == "modules-containers-list-dict"


def test_plain_module_list_quiet_on_wrapped_and_plain_data():
    findings = lint("""
        import jax
        from flax import nnx

        class M(nnx.Module):
            def __init__(self, d, depth, *, rngs):
                self.blocks = nnx.List([nnx.Linear(d, d, rngs=rngs) for _ in range(depth)])
                self.heads = nnx.Dict({"a": nnx.Linear(d, 1, rngs=rngs)})
                self.seq = nnx.Sequential(*[nnx.Linear(d, d, rngs=rngs) for _ in range(depth)])
                self.sizes = [d, 2 * d]
                self.acts = (jax.nn.relu, jax.nn.gelu)
                layers = []
                for _ in range(depth):
                    layers.append(nnx.Linear(d, d, rngs=rngs))
                self.layers = nnx.List(layers)

        class NotAModule:
            def __init__(self, rngs):
                self.layers = [nnx.Linear(2, 2, rngs=rngs)]
    """)
    assert rules_of(findings, "plain-module-list") == []


# ---------------------------------------------------------------- nhwc-reshape


def test_nhwc_reshape_fires_when_flattening_channels_last():
    findings = lint("""
        import jax.numpy as jnp
        from flax import nnx

        class M(nnx.Module):
            def __call__(self, x):
                x = jnp.transpose(x, (0, 2, 3, 1))
                x = nnx.max_pool(self.conv(x), (2, 2), strides=(2, 2))
                return self.fc(x.reshape(x.shape[0], -1))

        def g(conv, x):
            h = conv(x.transpose(0, 2, 3, 1))
            return jnp.reshape(h, (h.shape[0], -1))
    """)
    assert lines_of(findings, "nhwc-reshape") == [9, 13]
    assert rules_of(findings, "nhwc-reshape")[0].note == "layers-flatten-order"


def test_nhwc_reshape_quiet_when_transposed_back_pooled_or_tokens():
    findings = lint("""
        import jax.numpy as jnp
        from flax import nnx

        class M(nnx.Module):
            def __call__(self, x):
                x = jnp.transpose(x, (0, 2, 3, 1))
                x = self.conv(x)
                x = jnp.transpose(x, (0, 3, 1, 2))
                return self.fc(x.reshape(x.shape[0], -1))

        def gap(conv, fc, x):
            h = conv(jnp.transpose(x, (0, 2, 3, 1)))
            h = h.mean(axis=(1, 2))
            return fc(h.reshape(h.shape[0], -1))

        def patches(conv, x):
            h = conv(jnp.transpose(x, (0, 2, 3, 1)))
            return h.reshape(h.shape[0], -1, h.shape[-1])   # (B, H*W, C) tokens: torch's flatten(2).transpose(1, 2)

        def no_transpose(x):
            return x.reshape(x.shape[0], -1)
    """)
    assert rules_of(findings, "nhwc-reshape") == []


# ---------------------------------------------------------------- std-ddof

STD_TORCH = "import torch\ndef f(x):\n    return x.std(dim=-1, keepdim=True), torch.var(x, 0)\n"


def test_std_ddof_fires_when_torch_is_unbiased():
    findings = lint("""
        import jax.numpy as jnp

        def f(x):
            return jnp.std(x, axis=-1, keepdims=True), x.var(axis=0)
    """, STD_TORCH)
    (f,) = rules_of(findings, "std-ddof")  # one finding per line
    assert f.line == 5 and "ddof=1" in f.message and f.note == "tensors-std-var-correction"


def test_std_ddof_quiet_with_ddof_or_biased_torch():
    assert rules_of(lint("import jax.numpy as jnp\ns = jnp.std(x, axis=-1, ddof=1)\n", STD_TORCH), "std-ddof") == []
    biased = "import torch\ndef f(x):\n    return x.std(dim=-1, unbiased=False), x.var(0, correction=0)\n"
    assert rules_of(lint("import jax.numpy as jnp\ns = jnp.std(x, axis=-1)\n", biased), "std-ddof") == []
    assert rules_of(lint("import jax.numpy as jnp\ns = jnp.std(x, axis=-1)\n"), "std-ddof") == []
