"""Repairing a translated program without written inputs: replayed LLM answers, real sandboxed checks."""

import json
import textwrap

import pytest

from t2j_rag.backends import get_backend
from t2j_rag.program_repair import training_unit, unit_at_line
from t2j_rag.repair import apply_verification, verify_and_repair
from t2j_rag.sandbox import Limits, Worker
from t2j_rag.translate import TranslateOptions, translate_source
from t2j_rag.units import split_source
from t2j_rag.verify import VerifyOptions

SCRIPT = '''import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, d)

    def forward(self, x):
        return nn.functional.gelu(self.fc(x))


class Net(nn.Module):
    def __init__(self, d, n_out):
        super().__init__()
        self.block = Block(d)
        self.head = nn.Linear(d, n_out)

    def forward(self, x):
        return self.head(self.block(x))


torch.manual_seed(0)
x = torch.randn(32, 8)
y = torch.randn(32, 2)
model = Net(8, 2)
optimizer = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=0.1)
for step in range(50):
    optimizer.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    optimizer.step()
    print(f"step {step} loss {loss.item():.4f}")
'''

MODULE = textwrap.dedent('''
    import jax
    import optax
    from flax import nnx

    rngs = nnx.Rngs(0)
    x = jax.random.normal(rngs(), (32, 8))
    y = jax.random.normal(rngs(), (32, 2))
    model = Net(8, 2, rngs=rngs)
    optimizer = nnx.Optimizer(model, TX, wrt=nnx.Param)


    @nnx.jit
    def train_step(model, optimizer):
        def loss_fn(model):
            return ((model(x) - y) ** 2).mean()
        loss, grads = nnx.value_and_grad(loss_fn)(model)
        optimizer.update(model, grads)
        return loss


    for step in range(50):
        loss = train_step(model, optimizer)
        print(f"step {step} loss {loss.item():.4f}")
    ''')
ADAM_L2 = "optax.chain(optax.add_decayed_weights(0.1), optax.adam(0.05))"
ADAMW = "optax.adamw(0.05, weight_decay=0.1)"
BLOCK = textwrap.dedent('''
    import jax
    from flax import nnx

    class Block(nnx.Module):
        def __init__(self, d, *, rngs: nnx.Rngs):
            self.fc = nnx.Linear(d, d, rngs=rngs)

        def __call__(self, x):
            return jax.nn.gelu(self.fc(x), approximate=APPROX)
    ''')
NET = textwrap.dedent('''
    from flax import nnx

    class Net(nnx.Module):
        def __init__(self, d, n_out, *, rngs: nnx.Rngs):
            self.block = Block(d, rngs=rngs)
            self.head = nnx.Linear(d, n_out, rngs=rngs)

        def __call__(self, x):
            return self.head(self.block(x))
    ''')


def answer(code):
    return json.dumps({"jax_code": code, "notes": []})


@pytest.fixture(scope="module")
def worker():
    with Worker(Limits(timeout=300)) as w:
        yield w


def run(answers, worker, rounds=2):
    source = split_source(SCRIPT, "train.py")
    assert [u.name for u in source.units] == ["<module>", "Block", "Net"]
    backend = get_backend("replay", answers=answers)
    report = translate_source(source, backend, None, TranslateOptions(retrieval=False))
    translations = {r.unit: r.code for r in report.units if r.status == "translated"}
    reports = []
    best, checks = verify_and_repair(source, translations, backend, None, rounds, VerifyOptions(max_steps=3),
                                     worker=worker, program_reports=reports)
    apply_verification(report, source, best, checks)
    return report, {c.unit: c for c in checks}, backend, reports[-1]


@pytest.mark.slow
def test_a_wrong_block_is_repaired_first_with_its_captured_inputs_in_the_prompt(worker):
    report, checks, backend, final = run([answer(MODULE.replace("TX", ADAM_L2)), answer(BLOCK.replace("APPROX", "True")),
                                          answer(NET), answer(BLOCK.replace("APPROX", "False"))], worker)
    assert final.passed, final.message
    assert (checks["Block"].verified, checks["Block"].rounds, checks["Block"].repairs) == ("passed", 2, 1)
    assert checks["Net"].verified == "passed" and checks["<module>"].verified == "passed"
    assert "approximate=False" in report.code and report.ok
    doc = json.loads(backend.requests[-1].messages[1]["content"])
    assert doc["unit"]["name"] == "Block" and doc["verifier"]["stage"] == "numeric"
    assert doc["verifier"]["captured"]["inputs"] == "((float32[32, 8],), {})"
    assert doc["verifier"]["captured"]["constructor_arguments"] == "((8,), {})"


@pytest.mark.slow
def test_a_wrong_optimizer_is_repaired_in_the_unit_that_trains(worker):
    report, checks, backend, final = run([answer(MODULE.replace("TX", ADAMW)), answer(BLOCK.replace("APPROX", "False")),
                                          answer(NET), answer(MODULE.replace("TX", ADAM_L2))], worker)
    assert final.passed, final.message
    assert (checks["<module>"].verified, checks["<module>"].repairs) == ("passed", 1)
    doc = json.loads(backend.requests[-1].messages[1]["content"])
    captured = doc["verifier"]["captured"]
    assert doc["unit"]["name"] == "<module>" and doc["verifier"]["stage"] == "training"
    assert captured["optimizer"] == "Adam" and captured["hyper_parameters"]["weight_decay"] == 0.1
    assert captured["first_difference"]["step"] == 1


def test_the_training_unit_and_the_unit_of_a_failing_line():
    source = split_source(SCRIPT, "train.py")
    assert training_unit(source) == "<module>"
    code = "import jax\n\n\nclass Block:\n    pass\n\n\nx = 1\ny = 2\n"
    assert unit_at_line(code, 5, source) == "Block" and unit_at_line(code, 9, source) == "<module>"
