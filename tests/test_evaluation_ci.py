"""The CI ablation end to end: `t2j-rag eval --grid ci --shrink` with recorded answers (and the rules backend when it
is registered) over three cases, then checks of the JSONL, the report, the plots, resuming and --report-only."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from t2j_rag.cli import main

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CASES = ["level1/gelu_tanh", "level2/linear_layernorm_relu", "level3/mlp_classifier"]
FIELDS = {"case", "level", "config", "backend", "model", "format", "retrieval", "k", "repair", "draft", "status",
          "stage", "verified", "max_abs_err", "rounds", "repairs", "prompt_tokens", "output_tokens", "seconds",
          "codebleu", "runtime_ratio", "retrieved", "shrink"}


@pytest.fixture(scope="module")
def ci_run(tmp_path_factory, shipped_index):
    out = tmp_path_factory.mktemp("ci-eval") / "run"
    home = tmp_path_factory.mktemp("home")
    args = ["eval", "--grid", "ci", "--answers", str(ROOT / "evals" / "replay" / "ci_answers.json"), "-o", str(out),
            "--index-dir", str(shipped_index), "--jobs", "2", "--shrink", "--budget", "8192"]
    for c in CASES:
        args += ["--cases", c]
    env = {"T2J_RAG_HOME": str(home), "T2J_RAG_CONFIG": str(home / "none.toml"), "HF_HUB_OFFLINE": "1"}
    first = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    again = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    return out, first, again, args, env


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines() if line.strip()]


def test_every_pair_has_one_record_with_all_fields(ci_run):
    out, first, _, _, _ = ci_run
    assert first.exit_code == 0, first.output
    recs = _records(out)
    configs = {r["config"] for r in recs}
    assert len(configs) == 6 and len(recs) == 6 * len(CASES)
    assert {(r["case"], r["config"]) for r in recs} == {(c, k) for c in CASES for k in configs}
    for r in recs:
        assert FIELDS <= set(r), FIELDS - set(r)
        assert r["status"] in ("done", "skipped"), r


def test_verdicts_follow_the_recorded_answers(ci_run):
    recs = {(r["case"], r["config"]): r for r in _records(ci_run[0])}
    wrong = recs[("level1/gelu_tanh", "replay.json.none.k0.r0")]
    assert (wrong["verified"], wrong["stage"], wrong["rounds"], wrong["repairs"]) == (False, "numeric", 1, 0)
    assert wrong["runtime_ratio"] is None and wrong["llm_calls"] == 1
    fixed = recs[("level1/gelu_tanh", "replay.json.none.k0.r1")]
    assert (fixed["verified"], fixed["stage"], fixed["rounds"], fixed["repairs"]) == (True, "ok", 2, 1)
    assert fixed["prompt_tokens"] > wrong["prompt_tokens"] and fixed["llm_calls"] == 2
    assert fixed["runtime_ratio"] > 0 and fixed["timing"]["torch_ms"] > 0
    assert fixed["codebleu"]["score"] == pytest.approx(1.0)
    crash = recs[("level3/mlp_classifier", "replay.json.none.k0.r0")]
    assert (crash["verified"], crash["stage"]) == (False, "construct")
    still_wrong = recs[("level2/linear_layernorm_relu", "replay.json.none.k0.r1")]
    assert (still_wrong["verified"], still_wrong["repairs"]) == (False, 1)
    for case in CASES:
        full = recs[(case, "replay.json.both.k2.r0")]
        assert full["verified"] and full["retrieved"], full
        assert all(0 <= v <= 1 for v in full["codebleu"].values())


def test_shrink_halves_the_size_constants_of_cases_over_the_budget_and_records_it(ci_run):
    out = ci_run[0]
    by_case = {r["case"]: r["shrink"] for r in _records(out)}
    assert by_case["level1/gelu_tanh"]["changes"] == {"batch_size": [64, 32], "dim": [512, 256]}
    assert by_case["level1/gelu_tanh"]["max_elements"] == 8192
    assert by_case["level2/linear_layernorm_relu"]["changes"] == {}  # its largest tensor already fits
    mlp = by_case["level3/mlp_classifier"]  # its hidden widths sit in a list, which shrinking leaves alone
    assert mlp["changes"] == {"batch_size": [32, 4], "in_features": [784, 98]} and mlp["max_elements"] == 256 * 128
    assert "does not shrink the largest tensor" in mlp["note"]
    assert "| `level1/gelu_tanh` | batch_size 64->32, dim 512->256 | 8192 |" in (out / "report.md").read_text()


def test_rules_configurations_run_or_are_skipped_with_a_reason(ci_run):
    from t2j_rag.backends import backend_names

    rules = [r for r in _records(ci_run[0]) if "rules" in r["config"]]
    assert len(rules) == 2 * len(CASES)
    if "rules" in backend_names():
        assert all(r["status"] == "done" for r in rules)
    else:
        assert all(r["status"] == "skipped" and "rules backend is not registered" in r["reason"] for r in rules)


def test_report_table_and_plots(ci_run):
    out = ci_run[0]
    report = (out / "report.md").read_text()
    recs = _records(out)
    assert "flax 0.12" in report and "CPUs" in report and "replay" in report
    header = next(line for line in report.splitlines() if line.startswith("| configuration | cases"))
    assert "level1" in header and "pass rate [95% CI]" in header
    for cid in {r["config"] for r in recs if r["status"] == "done"}:
        row = next(line for line in report.splitlines() if line.startswith(f"| `{cid}` | "))
        cells = [c.strip() for c in row.strip("|").split("|")]
        done = [r for r in recs if r["config"] == cid and r["status"] == "done"]
        assert cells[1] == str(len(done)) and cells[2] == str(sum(r["verified"] for r in done))
    assert "| `replay.json.both.k2.r0` | `replay.json.none.k0.r0` | 3 | +100 pts" in report
    from PIL import Image

    for name in ("pass_rate", "retrieval_gain", "tokens_vs_pass", "time_per_case", "runtime_ratio"):
        path = out / "plots" / f"{name}.png"
        assert f"](plots/{name}.png)" in report
        with Image.open(path) as img:
            img.verify()
            assert img.format == "PNG" and img.size[0] > 200


def test_a_second_run_resumes_without_repeating_pairs(ci_run):
    out, first, again, args, env = ci_run
    assert again.exit_code == 0, again.output
    assert "(18 already done)" in again.output and "nothing new to run" in again.output
    assert len(_records(out)) == 18
    report_only = CliRunner().invoke(main, ["eval", "--report-only", "-o", str(out)], env=env)
    assert report_only.exit_code == 0 and "report.md" in report_only.output


def test_eval_refuses_replay_without_answers_and_a_suite_without_cases(tmp_path):
    env = {"T2J_RAG_HOME": str(tmp_path), "T2J_RAG_CONFIG": str(tmp_path / "none.toml")}
    r = CliRunner().invoke(main, ["eval", "--suite", str(tmp_path), "-o", str(tmp_path / "o")], env=env)
    assert r.exit_code == 2 and "no KernelBench-style case" in r.output
    grid = tmp_path / "replay.toml"
    grid.write_text('[grid]\nbackend = "replay"\nretrieval = ["none"]\n')
    r = CliRunner().invoke(main, ["eval", "--grid", str(grid), "--cases", "gelu_tanh", "-o", str(tmp_path / "o")],
                           env=env)
    assert r.exit_code == 2 and "needs recorded answers (--answers FILE)" in r.output
    assert not (tmp_path / "o" / "results.jsonl").exists()


def test_records_and_report_name_what_really_answered(ci_run):
    out = ci_run[0]
    recs = _records(out)
    assert {r["model"] for r in recs if r["backend"] == "replay"} == {"ci_answers.json"}
    from t2j_rag.backends import backend_names

    if "rules" in backend_names():
        assert {r["model"] for r in recs if r["backend"] == "rules"} == {"rules"}
    header = next(line for line in (out / "report.md").read_text().splitlines() if line.startswith("- backends"))
    assert "replay (ci_answers.json)" in header and "rules (" not in header
