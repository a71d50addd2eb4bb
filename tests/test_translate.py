import json
import subprocess
import sys

import pytest

from t2j_rag.backends import get_backend
from t2j_rag.errors import OutputError
from t2j_rag.translate import TranslateOptions, check_output_path, translate_source, write_atomic
from t2j_rag.units import split_source

SRC = '''import torch
import torch.nn as nn

SCALE = 2.0


def double(x):
    return x * SCALE


class Head(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, 1)

    def forward(self, x):
        return self.fc(double(x))


def get_inputs():
    return [torch.randn(2, 3)]
'''

DOUBLE_JAX = "import jax.numpy as jnp\n\ndef double(x):\n    return x * SCALE\n"
HEAD_JAX = ("from flax import nnx\n\nclass Head(nnx.Module):\n    def __init__(self, d, *, rngs: nnx.Rngs):\n"
            "        self.fc = nnx.Linear(d, 1, rngs=rngs)\n\n    def __call__(self, x):\n        return self.fc(double(x))\n")


@pytest.mark.slow
def test_translate_with_replay_assembles_importable_file(tmp_path):
    source = split_source(SRC, "head.py")
    backend = get_backend("replay", answers=[json.dumps({"jax_code": DOUBLE_JAX, "notes": []}),
                                             "Here you go:\n```json\n" + json.dumps({"jax_code": HEAD_JAX, "notes": ["ok"]}) + "\n```"])
    report = translate_source(source, backend, retriever=None, opts=TranslateOptions(retrieval=False))
    assert report.ok
    assert [u.unit for u in report.units] == ["double", "Head"]
    assert [u.answer_shape for u in report.units] == ["json", "fenced-json"]
    assert report.units[1].notes == ["ok"]
    # each unit was sent its own prompt, holding its own source
    sent = [json.loads(r.messages[1]["content"])["unit"]["name"] for r in backend.requests]
    assert sent == ["double", "Head"]
    out = tmp_path / "head_jax.py"
    write_atomic(out, report.code)
    assert "torch" not in report.code
    run = subprocess.run([sys.executable, "-c", f"import runpy; m = runpy.run_path({str(out)!r}); "
                          "from flax import nnx; import jax.numpy as jnp; "
                          "print(m['Head'](3, rngs=nnx.Rngs(0))(jnp.ones((2, 3))).shape)"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "(2, 1)"


def test_unparseable_unit_fails_alone(tmp_path):
    source = split_source(SRC, "head.py")
    backend = get_backend("replay", answers=["I cannot do that.", json.dumps({"jax_code": HEAD_JAX, "notes": []})])
    report = translate_source(source, backend, retriever=None, opts=TranslateOptions(retrieval=False))
    assert not report.ok
    assert [u.status for u in report.units] == ["failed", "translated"]
    assert "no code found" in report.units[0].message
    assert "TODO(t2j): double" in report.code and "class Head(nnx.Module)" in report.code
    compile(report.code, "x", "exec")


@pytest.mark.slow
def test_records_carry_tokens_and_retrieved_ids(shipped_retriever):
    source = split_source(SRC, "head.py")
    backend = get_backend("echo")
    report = translate_source(source, backend, shipped_retriever, TranslateOptions(k=2))
    for rec in report.units:
        d = rec.to_dict()
        assert set(d) >= {"unit", "retrieved", "backend", "model", "prompt_tokens", "output_tokens", "seconds", "status"}
        assert d["backend"] == "echo" and len(d["retrieved"]) == 4 and d["prompt_tokens"] > 0


def test_output_path_checks(tmp_path):
    with pytest.raises(OutputError, match="directory"):
        check_output_path(tmp_path, force=False)
    f = tmp_path / "out.py"
    f.write_text("keep me")
    with pytest.raises(OutputError, match="--force"):
        check_output_path(f, force=False)
    check_output_path(f, force=True)
    with pytest.raises(OutputError, match="does not exist"):
        check_output_path(tmp_path / "no" / "out.py", force=True)
    write_atomic(f, "new")
    assert f.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["out.py"]


# --------------------------------------------------------------------------- the plan


def _no_llm():
    return None


def test_plan_without_an_llm_falls_back_to_the_rules_engine_and_verifies():
    from t2j_rag.translate import NO_LLM_NOTICE, plan_translation

    plan = plan_translation(None, "mistralai/Mistral-7B-Instruct-v0.3", repair=3, draft="rules", detect=_no_llm)
    assert (plan.backend, plan.model, plan.model_label) == ("rules", None, "rules")
    assert (plan.verify, plan.repair, plan.retrieval, plan.draft, plan.reads_corpus) == (True, 0, False, None, True)
    assert plan.notice == NO_LLM_NOTICE and "rules engine" in plan.notice and "T2J_RAG_OPENAI_BASE_URL" in plan.notice


def test_plan_keeps_what_an_llm_backend_uses():
    from t2j_rag.translate import plan_translation

    plan = plan_translation(None, "m", repair=2, draft="rules", detect=lambda: "openai")
    assert (plan.backend, plan.model, plan.model_label, plan.notice) == ("openai", "m", "m", None)
    assert (plan.verify, plan.repair, plan.retrieval, plan.draft, plan.reads_corpus) == (False, 2, True, "rules", False)
    hf = plan_translation("hf", None, verify=True)
    assert (hf.model, hf.model_label, hf.verify, hf.repair) == (None, "mistralai/Mistral-7B-Instruct-v0.3", True, 3)


def test_plan_for_a_named_rules_backend_drops_what_it_ignores_without_a_notice():
    from t2j_rag.translate import plan_translation

    plan = plan_translation("rules", "some-model", verify=True, repair=5, retrieval=True, draft="rules")
    assert (plan.model, plan.model_label, plan.repair, plan.retrieval, plan.draft) == (None, "rules", 0, False, None)
    assert plan.verify and plan.notice is None


def test_plan_labels_replay_with_its_answers_file_and_echo_with_its_name(tmp_path):
    from t2j_rag.translate import plan_translation

    replay = plan_translation("replay", str(tmp_path / "answers.json"))
    assert (replay.model, replay.model_label) == (str(tmp_path / "answers.json"), "answers.json")
    echo = plan_translation("echo", "whatever")
    assert (echo.model, echo.model_label, echo.retrieval) == (None, "echo", True)


def test_plan_for_showing_prompts_asks_for_no_backend_and_rejects_unknown_names():
    from t2j_rag.errors import BackendError
    from t2j_rag.translate import plan_translation

    def must_not_detect():
        raise AssertionError("--show-prompt needs no backend")

    plan = plan_translation(None, "m", show_prompt=True, detect=must_not_detect)
    assert (plan.backend, plan.model_label, plan.retrieval, plan.notice) == (None, None, True, None)
    with pytest.raises(BackendError, match="unknown backend 'nope'"):
        plan_translation("nope")
