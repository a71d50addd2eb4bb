"""Program checks end to end, in real sandboxed subprocesses, on real programs (tests/programs/).

Each fixture pair is a PyTorch program and a hand-written Flax NNX translation;
the broken variants each carry one subtle bug, and the check must name it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from t2j_rag.program_report import ProgramReport, ProgramRun
from t2j_rag.sandbox import Limits, Worker
from t2j_rag.verify import VerifyOptions, verify_code

pytestmark = pytest.mark.slow
PROGRAMS = Path(__file__).parent / "programs"


@pytest.fixture(scope="module")
def worker():
    with Worker(Limits(timeout=300)) as w:
        yield w


def check(original, translation, worker, **opts) -> ProgramReport:
    torch_code = (PROGRAMS / original).read_text()
    jax_code = translation if "\n" in translation else (PROGRAMS / translation).read_text()
    report = verify_code(torch_code, jax_code, VerifyOptions(**opts), worker)
    assert isinstance(report, ProgramReport)
    json.dumps(report.to_dict())  # the --json record is plain JSON
    return report


def verdicts(report):
    return {u.name: u.verdict for u in report.modules + report.functions}


def test_a_correct_translation_passes_all_three_checks(worker):
    # 9 steps: the whole first epoch (8 batches), its scheduler step and accuracy(), and one step at the halved rate
    r = check("mlp_adam.py", "mlp_adam_jax.py", worker, max_steps=9)
    assert r.passed and r.stage == "ok", r.message
    assert verdicts(r) == {"Block": "passed", "MLP": "passed", "accuracy": "passed"}
    block = r.modules[0]
    assert block.init == "((16, 32), {})" and block.inputs == "((float32[32, 16],), {})" and block.mode == "train"
    (t,) = r.training
    assert (t.optimizer, t.module, t.verdict, t.steps_compared) == ("Adam", "MLP", "passed", 9)
    assert t.hyper["weight_decay"] == 0.05 and t.batches[0] == "(float32[32, 16],)"
    assert t.losses_torch == pytest.approx(t.losses_jax, rel=1e-5)
    assert r.run["passed"] and r.run["torch"].status == r.run["jax"].status == "capped"
    assert r.run["torch"].losses == pytest.approx(r.run["jax"].losses, abs=1e-4) and len(r.run["torch"].losses) == 1
    assert r.capture["diverged"] is None and r.capture["replayed"] == r.capture["draws"] == 4  # X, the labels, two epochs


def test_a_wrong_gelu_inside_a_block_fails_naming_that_block(worker):
    r = check("mlp_adam.py", "mlp_adam_jax_tanh_gelu.py", worker, max_steps=3)
    assert not r.passed and r.stage == "numeric"
    block = next(u for u in r.modules if u.name == "Block")
    assert block.verdict == "failed" and block.stage == "numeric" and block.max_abs_err > 1e-4
    assert r.message.startswith("module Block:")
    assert any(f.rule == "gelu-approximate" for f in r.findings)


def test_adamw_for_adam_with_weight_decay_fails_in_the_training_step_check(worker):
    r = check("mlp_adam.py", "mlp_adam_jax_adamw.py", worker, max_steps=3)
    assert not r.passed and r.stage == "training"
    assert all(u.verdict == "passed" for u in r.modules)
    (t,) = r.training
    assert t.verdict == "failed" and t.step == 1
    assert t.path in {f"{layer}.{leaf}" for layer in ("block1.fc", "block2.fc", "head") for leaf in ("kernel", "bias")}
    assert r.mismatch_path == t.path and f"step 1: parameter {t.path}" in t.message


def test_a_missing_zero_grad_is_kept_by_the_right_translation_and_caught_in_the_wrong_one(worker):
    good = check("accum_main.py", "accum_main_jax.py", worker, max_steps=4)
    assert good.passed, good.message
    assert good.training[0].steps_compared == 4 and good.training[0].optimizer == "SGD"
    assert verdicts(good)["make_data"] == "passed"  # its random draws were replayed into the JAX call
    bad = check("accum_main.py", "accum_main_jax_no_accumulation.py", worker, max_steps=4)
    assert not bad.passed and bad.stage == "training"
    (t,) = bad.training
    assert t.verdict == "failed" and t.step == 2 and t.path.startswith("net.layers.")
    assert t.steps_compared == 1


def test_a_model_file_with_a_demo_block(worker):
    r = check("demo_model.py", "demo_model_jax.py", worker)
    assert r.passed, r.message
    assert verdicts(r) == {"ResidualBlock": "passed", "ConvNet": "passed", "Unused": "not called",
                           "normalize": "passed", "count_parameters": "skipped"}
    assert next(u for u in r.functions if u.name == "count_parameters").message == "takes a module"
    assert r.training == [] and r.run["jax"].status == "ok"


def test_two_optimizers_are_checked_each_against_its_own(worker):
    r = check("gan.py", "gan_jax.py", worker, max_steps=4)
    assert r.passed, r.message
    assert [(t.optimizer, t.module, t.verdict, t.steps_compared) for t in r.training] == [
        ("Adam", "Generator", "passed", 3), ("Adam", "Discriminator", "passed", 4)]
    assert r.training[0].hyper["betas"] == [0.5, 0.999]


def test_noise_drawn_inside_a_jitted_step_makes_training_not_comparable_not_failed(worker):
    r = check("vae.py", "vae_jax.py", worker, max_steps=3)
    assert r.passed, r.message
    assert verdicts(r) == {"VAE": "passed"}  # the module check replays the forward's noise
    (t,) = r.training
    assert t.verdict == "not comparable" and t.steps_compared == 0
    assert "inside jitted code" in t.message and r.capture["draws_in_modules"] == 3


def test_a_program_that_never_calls_its_modules_says_so(worker):
    r = check("never_called.py", "never_called_jax.py", worker)
    assert not r.passed and r.stage == "capture"
    assert "never called" in r.message and "--inputs" in r.message
    assert verdicts(r) == {"Encoder": "not called", "pairwise_distances": "not called"}


def _with(translation: str, code: str) -> str:
    anchor = "model = MLP(D, 32, C, rngs=rngs)\n"
    text = (PROGRAMS / translation).read_text()
    return text.replace(anchor, anchor + code)


def test_a_hanging_or_memory_bombing_translation_ends_as_timeout_or_memory(worker):
    hang = check("mlp_adam.py", _with("mlp_adam_jax.py", "while True:\n    pass\n"), worker, max_steps=2,
                 max_seconds=10)
    assert (hang.passed, hang.stage) == (False, "timeout")
    assert hang.run["jax"].status == "timeout" and hang.run["torch"].status == "capped"
    assert all(u.verdict in ("passed", "not called") for u in hang.modules + hang.functions)
    bomb = check("mlp_adam.py", _with("mlp_adam_jax.py", "junk = []\nwhile True:\n    junk.append(np.ones(1 << 27))\n"),
                 worker, max_steps=2, memory_mb=6000)
    assert (bomb.passed, bomb.stage) == (False, "memory") and bomb.run["jax"].status == "memory"
    # the parent is alive and the next check runs in a fresh child
    assert check("accum_main.py", "accum_main_jax.py", worker, max_steps=2).passed


def test_inputs_over_the_capture_budget_are_drawn_and_said_so(worker):
    r = check("demo_model.py", "demo_model_jax.py", worker, capture_mb=0.004)
    conv = next(u for u in r.modules if u.name == "ConvNet")
    assert conv.verdict == "passed" and conv.drawn == ["inputs[0][0] float32[4, 3, 16, 16]"]
    assert r.capture["too_big"] and r.capture["diverged"]["reason"].startswith("the original's draw was too big")
    assert "values drawn" in "\n".join(r.summary_lines())


def test_the_cli_prints_the_record_and_sets_the_exit_code(tmp_path):
    cli = [sys.executable, "-m", "t2j_rag.cli", "verify"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    ok = subprocess.run(cli + [str(PROGRAMS / "accum_main.py"), str(PROGRAMS / "accum_main_jax.py"), "--json",
                               "--max-steps", "2"], capture_output=True, text=True, env=env, timeout=900)
    assert ok.returncode == 0, ok.stderr
    record = json.loads(ok.stdout)
    assert set(record) >= {"passed", "stage", "modules", "functions", "training", "run", "capture", "findings"}
    assert record["run"]["jax"]["status"] == "capped" and record["training"][0]["steps_compared"] == 2
    bad = subprocess.run(cli + [str(PROGRAMS / "accum_main.py"), str(PROGRAMS / "accum_main_jax_no_accumulation.py"),
                                "--max-steps", "2"], capture_output=True, text=True, env=env, timeout=900)
    assert bad.returncode == 1
    assert "training SGD (Regressor): failed" in bad.stdout and "first difference at step 2" in bad.stdout


def test_report_round_trip():
    r = ProgramReport(False, "training", entry="<program>", run={"torch": ProgramRun("capped", 1.0, 3, [0.5])})
    again = ProgramReport.from_dict(r.to_dict())
    assert again == r and isinstance(again.run["torch"], ProgramRun)
