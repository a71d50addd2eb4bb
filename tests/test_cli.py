"""The command line, run as a real subprocess: exit codes, one-line errors, no partial output."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).parents[1] / "examples"


def run(*args, cwd=None, env=None):
    e = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", T2J_RAG_HOME=str(cwd or "/nonexistent"))
    e.pop("T2J_RAG_OPENAI_BASE_URL", None)
    e.pop("OPENAI_BASE_URL", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "t2j_rag.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=e, timeout=300)


def assert_clean_error(res, needle):
    assert res.returncode != 0, res.stdout
    assert "Traceback" not in res.stderr, res.stderr
    lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("t2j-rag: error: ") and needle in lines[0], lines[0]


def test_help_lists_commands():
    res = run("--help")
    assert res.returncode == 0
    for cmd in ("build-index", "retrieve", "translate"):
        assert cmd in res.stdout


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def bad_inputs(tmp_path):
    (tmp_path / "empty.py").write_text("   \n")
    (tmp_path / "latin1.py").write_bytes(b"x = '\xe9'\n")
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "nounits.py").write_text("import torch\n\ndef get_inputs():\n    return []\n")
    (tmp_path / "adir").mkdir()
    return tmp_path


@pytest.mark.parametrize("name,needle", [
    ("missing.py", "no such file"),
    ("adir", "directory"),
    ("empty.py", "empty"),
    ("latin1.py", "UTF-8"),
    ("broken.py", "line 1"),
    ("nounits.py", "nothing to translate"),
])
def test_bad_source_files(bad_inputs, name, needle):
    res = run("translate", str(bad_inputs / name), "--backend", "echo", "--no-retrieval", cwd=bad_inputs)
    assert_clean_error(res, needle)
    assert not list(bad_inputs.glob("*_jax.py"))


def test_missing_index(tmp_path):
    res = run("translate", str(EXAMPLES / "mlp.py"), "--backend", "echo", "-o", str(tmp_path / "o.py"),
              "--index-dir", str(tmp_path / "noindex"), cwd=tmp_path)
    assert_clean_error(res, "no index")
    assert not (tmp_path / "o.py").exists()


def test_stale_index(tmp_path, shipped_index):
    extra = tmp_path / "mycorpus" / "notes"
    extra.mkdir(parents=True)
    (extra / "n.md").write_text('+++\nid = "user-note"\ntitle = "t"\ntorch_apis = ["torch.abs"]\n+++\n'
                                "## What differs\nx\n## Wrong\n```python\na\n```\n## Right\n```python\nb\n```\n")
    res = run("retrieve", str(EXAMPLES / "mlp.py"), "--index-dir", str(shipped_index), "--corpus",
              str(tmp_path / "mycorpus"), cwd=tmp_path)
    assert_clean_error(res, "stale")


def test_unreachable_server(tmp_path):
    port = _free_port()
    res = run("translate", str(EXAMPLES / "mlp.py"), "--backend", "openai", "--model", "m", "--no-retrieval",
              "-o", str(tmp_path / "o.py"), cwd=tmp_path,
              env={"T2J_RAG_OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1", "T2J_RAG_OPENAI_RETRIES": "0"})
    assert_clean_error(res, "127.0.0.1")
    assert not (tmp_path / "o.py").exists()


def test_model_not_available_offline(tmp_path):
    res = run("translate", str(EXAMPLES / "mlp.py"), "--backend", "hf", "--model", "nobody/no-such-model",
              "--no-retrieval", "-o", str(tmp_path / "o.py"), cwd=tmp_path)
    assert_clean_error(res, "no-such-model")
    assert not (tmp_path / "o.py").exists()


def test_no_llm_falls_back_to_the_rules_engine_and_verifies(tmp_path):
    res = run("translate", str(EXAMPLES / "mlp.py"), "--no-retrieval", "-o", str(tmp_path / "o.py"), "--json",
              cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    notice = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(notice) == 1 and "rules engine" in notice[0] and "T2J_RAG_OPENAI_BASE_URL" in notice[0]
    rec = json.loads(res.stdout.splitlines()[0])
    assert (rec["unit"], rec["backend"], rec["status"], rec["verified"]) == ("MLP", "rules", "translated", "passed")
    assert "class MLP(nnx.Module)" in (tmp_path / "o.py").read_text()


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "o.py"
    out.write_text("precious")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps([json.dumps({"jax_code": "def mlp_stub():\n    return 1\n", "notes": []})]))
    res = run("translate", str(EXAMPLES / "mlp.py"), "--backend", "replay", "--model", str(answers),
              "--no-retrieval", "-o", str(out), cwd=tmp_path)
    assert_clean_error(res, "--force")
    assert out.read_text() == "precious"
    res = run("translate", str(EXAMPLES / "mlp.py"), "--backend", "replay", "--model", str(answers),
              "--no-retrieval", "-o", str(out), "--force", "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    rec = json.loads(res.stdout.strip().splitlines()[0])
    assert rec["unit"] == "MLP" and rec["status"] == "translated" and rec["backend"] == "replay"
    assert "def mlp_stub" in out.read_text()


def test_build_index_retrieve_and_show_prompt(tmp_path):
    idx = tmp_path / "idx"
    res = run("build-index", "--index-dir", str(idx), "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert set(summary) >= {"entries", "pairs", "notes", "embedded", "model", "dim", "seconds"}
    assert summary["embedded"] == summary["entries"] and summary["dim"] == 384
    res = run("build-index", "--index-dir", str(idx), "--json", cwd=tmp_path)
    assert json.loads(res.stdout)["embedded"] == 0

    res = run("retrieve", str(EXAMPLES / "convnet.py"), "--index-dir", str(idx), "-k", "2", "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    rec = json.loads(res.stdout)
    assert rec["unit"] == "ConvNet" and "torch.nn.BatchNorm2d" in rec["apis"] and len(rec["hits"]) == 4

    res = run("translate", str(EXAMPLES / "convnet.py"), "--index-dir", str(idx), "-k", "1", "--show-prompt", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "===== unit ConvNet" in res.stdout and '"pytorch_source"' in res.stdout
    assert not list(EXAMPLES.glob("*_jax.py"))


TORCH_SCALE = "import torch\n\n\ndef scale(x, k):\n    return torch.tanh(x) * k\n"
JAX_SCALE = "import jax.numpy as jnp\n\n\ndef scale(x, k):\n    return jnp.tanh(x) * k\n"


def test_verify_command_exit_codes_and_json(tmp_path):
    (tmp_path / "ops.py").write_text(TORCH_SCALE)
    (tmp_path / "ops_jax.py").write_text(JAX_SCALE)
    (tmp_path / "ops_bad.py").write_text(JAX_SCALE.replace("jnp.tanh(x)", "jnp.sin(x)"))
    (tmp_path / "spec.json").write_text(json.dumps({"inputs": [{"shape": [4, 3]}, {"value": 2.0}]}))
    res = run("verify", "ops.py", "ops_jax.py", "--inputs", "spec.json", "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["passed"] and out["stage"] == "ok" and out["entry"] == "scale"
    res = run("verify", "ops.py", "ops_bad.py", "--inputs", "spec.json", "--json", cwd=tmp_path)
    assert res.returncode == 1
    out = json.loads(res.stdout)
    assert not out["passed"] and out["stage"] == "numeric" and out["max_abs_err"] > 0
    # no get_inputs() and no spec: the file is run as a program; it never calls scale(), and says so
    res = run("verify", "ops.py", "ops_jax.py", cwd=tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "FAIL <program> [capture]" in res.stdout and "--inputs" in res.stdout
    assert "function scale: not called" in res.stdout
    res = run("verify", "ops.py", "ops_jax.py", "--entry", "scale", cwd=tmp_path)
    assert_clean_error(res, "no inputs known")
    res = run("verify", "ops.py", "ops_jax.py", "--inputs", "nope.json", cwd=tmp_path)
    assert_clean_error(res, "nope.json")


def test_translate_verify_repairs_and_records_the_spec(tmp_path):
    (tmp_path / "ops.py").write_text(TORCH_SCALE)
    (tmp_path / "spec.json").write_text(json.dumps({"inputs": [{"shape": [4, 3]}, {"value": 2.0}]}))
    answers = [json.dumps({"jax_code": JAX_SCALE.replace("jnp.tanh(x)", "jnp.sin(x)"), "notes": []}),
               json.dumps({"jax_code": JAX_SCALE, "notes": ["tanh, not sin"]})]
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    res = run("translate", "ops.py", "--backend", "replay", "--model", "answers.json", "--no-retrieval", "--verify",
              "--inputs", "spec.json", "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    rec = json.loads(res.stdout.splitlines()[0])
    assert (rec["unit"], rec["verified"], rec["rounds"], rec["repairs"]) == ("scale", "passed", 2, 1)
    # the spec travels with the translation: verify needs no --inputs now
    res = run("verify", "ops.py", "ops_jax.py", cwd=tmp_path)
    assert res.returncode == 0 and res.stdout.startswith("PASS scale"), res.stdout + res.stderr
