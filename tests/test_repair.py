"""The repair loop, driven by a replay backend and verified in a real sandbox."""

import json

import pytest

from t2j_rag.backends import get_backend
from t2j_rag.repair import apply_verification, verify_and_repair
from t2j_rag.sandbox import Limits, Worker
from t2j_rag.translate import TranslateOptions, translate_source
from t2j_rag.units import split_source
from t2j_rag.verify import VerifyOptions

pytestmark = pytest.mark.slow

SRC = '''import torch
import torch.nn as nn


def spread(x):
    return x.std(dim=-1, keepdim=True)


class Model(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, d)

    def forward(self, x):
        h = self.fc(x)
        return h / (spread(h) + 1.0)


def get_inputs():
    return [torch.randn(4, 8)]


def get_init_inputs():
    return [8]
'''

SPREAD = "import jax.numpy as jnp\n\ndef spread(x):\n    return jnp.std(x, axis=-1, keepdims=True, ddof=1)\n"
MODEL = ("from flax import nnx\n\nclass Model(nnx.Module):\n    def __init__(self, d, *, rngs: nnx.Rngs):\n"
         "        self.fc = nnx.Linear(d, d, rngs=rngs)\n\n    def __call__(self, x):\n        h = self.fc(x)\n"
         "        return h / (spread(h) + SHIFT)\n")


def answer(code):
    return json.dumps({"jax_code": code, "notes": []})


@pytest.fixture(scope="module")
def worker():
    with Worker(Limits(timeout=120)) as w:
        yield w


def run(answers, worker, rounds=3, on_fix=None):
    source = split_source(SRC, "model.py")
    backend = get_backend("replay", answers=answers)
    report = translate_source(source, backend, None, TranslateOptions(retrieval=False))
    translations = {r.unit: r.code for r in report.units if r.status == "translated"}
    best, checks = verify_and_repair(source, translations, backend, None, rounds, VerifyOptions(), worker=worker,
                                     on_fix=on_fix)
    apply_verification(report, source, best, checks)
    return report, {c.unit: c for c in checks}, backend


def test_wrong_then_right_ends_verified_in_two_rounds(worker):
    fixes = []
    report, checks, backend = run([answer(SPREAD), answer(MODEL.replace("SHIFT", "2.0")),
                                   answer(MODEL.replace("SHIFT", "1.0"))], worker,
                                  on_fix=lambda unit, wrong, rep, fixed: fixes.append((unit.name, rep.stage, fixed)))
    m = checks["Model"]
    assert (m.verified, m.rounds, m.repairs) == ("passed", 2, 1)
    assert checks["spread"].verified == "unverified"
    assert "+ 1.0" in report.code and "+ 2.0" not in report.code
    assert report.ok
    # the repair prompt carried the failing code and the verifier's verdict
    repair_doc = json.loads(backend.requests[-1].messages[1]["content"])
    assert "+ 2.0" in repair_doc["failing_jax_code"]
    assert repair_doc["verifier"]["stage"] == "numeric" and repair_doc["unit"]["name"] == "Model"
    assert fixes == [("Model", "numeric", MODEL.replace("SHIFT", "1.0"))]


def test_never_right_ends_with_the_last_error_and_keeps_the_best(worker):
    wrong_numeric = answer(MODEL.replace("SHIFT", "2.0"))
    crash = answer(MODEL.replace("SHIFT", "undefined_name"))
    report, checks, _ = run([answer(SPREAD), wrong_numeric, crash, "no code at all", crash], worker, rounds=3)
    m = checks["Model"]
    assert m.verified == "failed" and m.repairs == 3 and m.rounds == 3
    # the numeric mismatch got further than the crash, so it is the version kept; the last error is reported too
    assert m.stage == "numeric" and "+ 2.0" in report.code
    assert m.last_stage == "runtime" and "undefined_name" in m.last_message
    assert report.units[1].last_error.startswith("runtime:") and "last_error" in report.units[1].to_dict()
    assert not report.ok
    assert [r.verified for r in report.units] == ["unverified", "failed"]


def test_no_inputs_means_unverified(worker):
    source = split_source(SRC.split("def get_inputs")[0], "model.py")
    best, checks = verify_and_repair(source, {"Model": MODEL, "spread": SPREAD}, None, None, 3, VerifyOptions(),
                                     worker=worker)
    assert {c.verified for c in checks} == {"unverified"}
