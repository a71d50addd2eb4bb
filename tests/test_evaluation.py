"""Unit tests of t2j_rag.evaluation: suite loading, grids, shrinking, scores, metrics, filters, records."""

import json
import textwrap
from pathlib import Path

import pytest

from t2j_rag.errors import BackendError, ConfigError, InputError
from t2j_rag.evaluation import codebleu as cb
from t2j_rag.evaluation.filtered import KindFilter, for_config
from t2j_rag.evaluation.grid import Config, expand, load_grid, resolve_grid
from t2j_rag.evaluation.keyed_replay import KeyedAnswers
from t2j_rag.evaluation.metrics import bootstrap_rate, paired_gain, retrieval_gains, summarize
from t2j_rag.evaluation.runner import read_records, unavailable_reason
from t2j_rag.evaluation.shrink import Measure, rewrite_constants, shrink_code, size_constants
from t2j_rag.evaluation.similarity import similarity
from t2j_rag.evaluation.suite import load_suite

EVALS = Path(__file__).resolve().parents[1] / "evals"

CASE = textwrap.dedent('''
    import torch
    import torch.nn as nn

    batch_size = 256
    features = 1024
    kernel_size = 3


    class Model(nn.Module):
        def __init__(self, features):
            super().__init__()
            self.fc = nn.Linear(features, features)

        def forward(self, x):
            return self.fc(x)


    def get_inputs():
        return [torch.randn(batch_size, features)]


    def get_init_inputs():
        return [features]
''')


# --------------------------------------------------------------------------- suite


def test_load_suite_finds_cases_levels_references_and_explains_skipped_files(tmp_path):
    (tmp_path / "lvl").mkdir()
    (tmp_path / "lvl" / "lin.py").write_text(CASE)
    (tmp_path / "lvl" / "lin_ref.py").write_text("# reference\n")
    (tmp_path / "top.py").write_text(CASE)
    (tmp_path / "helper.py").write_text("def get_inputs():\n    return []\n")
    (tmp_path / "broken.py").write_text("def (:\n")
    suite = load_suite(tmp_path)
    assert [(c.id, c.level, c.ref_code is not None) for c in suite.cases] == [("lvl/lin", "lvl", True), ("top", "-", False)]
    reasons = dict((Path(p).name, r) for p, r in suite.skipped)
    assert reasons["helper.py"] == "does not define Model, get_init_inputs"
    assert reasons["broken.py"].startswith("syntax error")
    assert [c.id for c in suite.select(["lvl/*"]).cases] == ["lvl/lin"]
    with pytest.raises(InputError, match="no case"):
        suite.select(["nothing*"])


def test_load_suite_rejects_a_directory_without_cases(tmp_path):
    with pytest.raises(InputError, match="no KernelBench-style case"):
        load_suite(tmp_path)
    with pytest.raises(InputError, match="not found"):
        load_suite(tmp_path / "missing")


# --------------------------------------------------------------------------- grid


def test_grid_product_normalises_k_for_the_baseline_and_drops_duplicates():
    configs = expand({"backend": "replay", "retrieval": ["none", "both"], "k": [2, 4], "repair": [0, 1]})
    ids = [c.id for c in configs]
    assert len(ids) == len(set(ids)) == 6  # none collapses k: 2 + 4
    assert "replay.json.none.k0.r1" in ids and "replay.json.both.k4.r0" in ids
    assert Config("hf", "org/Mistral-7B", retrieval="notes").id == "hf@Mistral-7B.json.notes.k4.r0"
    assert Config("hf", retrieval="both", k=4).baseline() == Config("hf", retrieval="none", k=0)


def test_grid_rejects_bad_values_and_unknown_dimensions():
    with pytest.raises(ConfigError, match="retrieval must be one of"):
        expand({"backend": "hf", "retrieval": ["some"]})
    with pytest.raises(ConfigError, match="unknown grid dimension"):
        expand({"backend": "hf", "temperature": [0.5]})
    with pytest.raises(ConfigError, match="needs a backend"):
        expand({"retrieval": ["none"]})
    with pytest.raises(ConfigError, match="needs k > 0"):
        Config("hf", retrieval="both", k=0)


def test_shipped_grids_load_and_overrides_replace_lists(tmp_path):
    default = load_grid(resolve_grid("default"))
    retrievals = {c.retrieval for c in default.configs if c.format == "json" and c.draft == "none"}
    assert retrievals == {"none", "notes", "pairs", "both"}
    assert {c.repair for c in default.configs} == {0, 3}
    over = load_grid(resolve_grid("default"), {"backend": ["openai"], "model": ["m"]})
    assert {c.backend for c in over.configs} == {"openai", "rules"}  # the rules-backend extra keeps its backend
    rules = load_grid(resolve_grid("rules"))
    assert [(c.backend, c.retrieval, c.k, c.repair, c.draft) for c in rules.configs] == [
        ("rules", "none", 0, 0, "none")]
    bad = tmp_path / "bad.toml"
    bad.write_text("[grid\n")
    with pytest.raises(ConfigError, match="not a valid TOML grid"):
        load_grid(bad)
    with pytest.raises(ConfigError, match="no grid"):
        resolve_grid("no-such-grid")


def test_grid_collapses_what_the_rules_backend_ignores_into_one_configuration():
    from t2j_rag.evaluation.runner import plan_for

    mistral = "mistralai/Mistral-7B-Instruct-v0.3"
    configs = expand({"backend": "rules", "model": mistral, "retrieval": ["none", "both"], "k": [2, 4]})
    assert configs == [Config("rules", None, "json", "none", 0, 0, "none")]
    assert "Mistral" not in configs[0].id and plan_for(configs[0]).model_label == "rules"
    crossed = expand({"backend": ["hf", "rules"], "model": mistral, "format": ["json", "plain"],
                      "retrieval": ["none", "both"], "k": [2, 4], "repair": [0, 3], "draft": ["none", "rules"]})
    assert [c.id for c in crossed if c.backend == "rules"] == ["rules.json.none.k0.r0"]
    assert len([c for c in crossed if c.backend == "hf"]) == 2 * 3 * 2 * 2  # the LLM still gets every point


def test_each_configuration_is_labelled_with_what_really_answers():
    from t2j_rag.evaluation.runner import plan_for

    answers = str(EVALS / "replay" / "ci_answers.json")
    assert plan_for(Config("replay", retrieval="both", k=2), answers).model_label == "ci_answers.json"
    assert plan_for(Config("hf", "org/Model-7B")).model_label == "org/Model-7B"
    draft = plan_for(Config("hf", "org/Model-7B", retrieval="both", repair=3, draft="rules"))
    assert (draft.retrieval, draft.repair, draft.draft, draft.verify) == (True, 3, "rules", True)


# --------------------------------------------------------------------------- shrink


def test_size_constants_skip_structural_numbers_and_rewrite_keeps_the_rest():
    assert size_constants(CASE) == {"batch_size": 256, "features": 1024}
    out = rewrite_constants(CASE, {"batch_size": 8})
    assert "batch_size = 8\n" in out and "features = 1024\n" in out
    assert out.replace("batch_size = 8", "batch_size = 256") == CASE


def _fake_measure(code):
    """Elements of the largest tensor of CASE-like code: the weight (features^2) or the input."""
    ns = size_constants(code)
    largest = max(ns["features"] ** 2, ns["batch_size"] * ns["features"])
    return Measure(True, largest, "fc.weight", static=largest)


def test_shrink_halves_until_the_budget_holds_and_records_the_changes():
    r = shrink_code(CASE, _fake_measure, budget=128 * 128)
    assert r.changes == {"batch_size": [256, 32], "features": [1024, 128]}
    assert r.steps == 3 and r.max_elements == 128 * 128 and r.note == ""
    assert "features = 128" in r.code and "kernel_size = 3" in r.code


def test_shrink_stops_before_a_step_that_breaks_the_case():
    def measure(code):
        if size_constants(code)["features"] < 512:
            return Measure(False, stage="error", message="RuntimeError: groups must divide channels")
        return _fake_measure(code)

    r = shrink_code(CASE, measure, budget=10)
    assert r.changes == {"batch_size": [256, 128], "features": [1024, 512]}
    assert "halving again breaks the case" in r.note and "groups must divide" in r.note


def test_shrink_stops_when_halving_no_longer_shrinks_the_largest_tensor():
    def measure(code):  # a 4096-element tensor whose size is not a module constant
        ns = size_constants(code)
        largest = max(4096, ns["batch_size"] * ns["features"])
        return Measure(True, largest, "hidden", static=largest)

    r = shrink_code(CASE, measure, budget=100)
    assert r.changes == {"batch_size": [256, 32], "features": [1024, 128]} and r.max_elements == 4096
    assert r.steps == 3
    assert "halving again does not shrink the largest tensor (hidden, 4096 elements)" in r.note


def test_shrink_treats_out_of_memory_as_too_big():
    calls = []

    def measure(code):
        calls.append(code)
        if size_constants(code)["features"] > 256:
            return Measure(False, stage="memory", message="MemoryError")
        return _fake_measure(code)

    r = shrink_code(CASE, measure, budget=1 << 20)
    assert r.changes["features"] == [1024, 256] and r.max_elements == 256 * 256 and len(calls) == 3


def test_measure_job_reports_the_largest_tensor():
    from t2j_rag.evaluation.shrink import measure_job

    small = rewrite_constants(CASE, {"batch_size": 4, "features": 32})
    assert measure_job({"code": small, "budget": 10_000}) == {"max_elements": 32 * 32, "where": "fc.weight",
                                                              "static": 32 * 32}
    big = measure_job({"code": CASE, "budget": 1000})
    assert big == {"max_elements": 1024 * 1024, "where": "fc.weight", "static": 1024 * 1024}


# --------------------------------------------------------------------------- CodeBLEU and similarity


REF = (EVALS / "level2" / "linear_layernorm_relu_ref.py").read_text()


def test_codebleu_is_one_for_the_reference_and_orders_variants():
    assert cb.codebleu(REF, REF).score == pytest.approx(1.0)
    renamed = REF.replace("features", "inputs").replace("dense", "proj")
    other = (EVALS / "level3" / "lenet5_ref.py").read_text()
    s_renamed, s_other = cb.codebleu(renamed, REF), cb.codebleu(other, REF)
    assert s_renamed.syntax == pytest.approx(1.0) and s_renamed.dataflow == pytest.approx(1.0)
    assert 0.5 < s_renamed.score < 1.0
    assert s_other.score < s_renamed.score


def test_codebleu_gives_no_structure_credit_to_code_that_does_not_parse():
    broken = cb.codebleu(REF.replace("def __call__(self, features):", "def __call__(self, features"), REF)
    assert broken.syntax == 0.0 and broken.dataflow == 0.0 and 0 < broken.ngram < 1


def test_codebleu_ignores_size_constants_the_assembler_copies():
    assert cb.codebleu("batch_size = 32\nin_features = 64\n" + REF, REF).score == pytest.approx(1.0)


def test_codebleu_weights_api_tokens_more_than_names():
    api_swap = cb.weighted_unigram(cb.code_tokens(REF.replace("nnx.LayerNorm", "nnx.RMSNorm")), cb.code_tokens(REF))
    name_swap = cb.weighted_unigram(cb.code_tokens(REF.replace("self.norm", "self.nrm")), cb.code_tokens(REF))
    assert api_swap < name_swap < 1.0


def test_similarity_separates_different_operations():
    a = "import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n" \
        "        self.op = nn.LayerNorm(c)\n    def forward(self, x):\n        return self.op(x)\n"
    assert similarity(a, a.replace("self.op", "self.norm").replace("c)", "dim)")) == pytest.approx(1.0)
    assert similarity(a, a.replace("nn.LayerNorm", "nn.AdaptiveAvgPool2d")) < 0.5


# --------------------------------------------------------------------------- metrics


def test_bootstrap_rate_and_paired_gain():
    all_pass = bootstrap_rate([True] * 10)
    assert (all_pass.rate, all_pass.lo, all_pass.hi) == (1.0, 1.0, 1.0)
    mixed = bootstrap_rate([True, False] * 10)
    assert mixed.lo < mixed.rate == 0.5 < mixed.hi
    assert bootstrap_rate([]).rate is None
    n, delta, lo, hi = paired_gain({"a": True, "b": True, "c": False}, {"a": False, "b": True, "c": False, "d": True})
    assert n == 3 and delta == pytest.approx(1 / 3) and lo <= delta <= hi


def _rec(case, config, retrieval, verified, level="l1", status="done", **extra):
    return {"case": case, "config": config, "retrieval": retrieval, "verified": verified, "level": level,
            "status": status, "backend": "replay", "model": None, "format": "json", "repair": 0, "draft": "none",
            "prompt_tokens": 100, "output_tokens": 10, "seconds": 1.0, **extra}


def test_summaries_and_gains_pair_each_variant_with_its_baseline():
    recs = [_rec("a", "base", "none", False), _rec("b", "base", "none", True),
            _rec("a", "full", "both", True), _rec("b", "full", "both", True, level="l2", runtime_ratio=0.5),
            _rec("a", "notes", "notes", False), _rec("b", "notes", "notes", False, status="skipped", reason="why")]
    s = {x.config: x for x in summarize(recs, ["base", "full", "notes"])}
    assert (s["full"].overall.n, s["full"].overall.passed, s["full"].runtime_ratio) == (2, 2, 0.5)
    assert set(s["full"].by_level) == {"l1", "l2"}
    assert (s["notes"].overall.n, s["notes"].skipped, s["notes"].reasons) == (1, 1, ["why"])
    gains = {g.variant: g for g in retrieval_gains(recs)}
    assert gains["full"].baseline == "base" and gains["full"].delta == pytest.approx(0.5)
    assert gains["notes"].n == 1 and gains["notes"].delta == 0.0


# --------------------------------------------------------------------------- filter, answers, records


class _Hit:
    def __init__(self, id, kind):
        self.id, self.kind = id, kind


class _Entry:
    def __init__(self, id, kind):
        self.id, self.kind = id, kind


class _FakeRetriever:
    def __init__(self):
        self.index = type("I", (), {"entries": [_Entry("p", "pair"), _Entry("n", "note"), _Entry("f", "fix")]})()

    def search(self, code, apis, k=4):
        return [_Hit("p", "pair"), _Hit("f", "fix"), _Hit("n", "note")]


def test_kind_filter_keeps_only_the_allowed_kinds_in_hits_and_index():
    base = _FakeRetriever()
    assert for_config(base, "none") is None
    notes = KindFilter(base, "notes")
    assert [h.id for h in notes.search("x", [])] == ["n"] and [e.id for e in notes.index.entries] == ["n"]
    pairs = KindFilter(base, "pairs")
    assert [h.id for h in pairs.search("x", [])] == ["p", "f"] and [e.id for e in pairs.index.entries] == ["p", "f"]
    assert len(for_config(base, "both").search("x", [])) == 3


def test_keyed_answers_fall_back_to_star_and_validate(tmp_path):
    f = tmp_path / "a.json"
    f.write_text(json.dumps({"answers": {"l1/x": {"*": ["A"], "cfg": ["B", "C"]}}}))
    keyed = KeyedAnswers.load(f)
    assert keyed.for_job("l1/x", "cfg") == ["B", "C"] and keyed.for_job("l1/x", "other") == ["A"]
    assert keyed.for_job("l1/y", "cfg") is None and keyed.backend("l1/y", "cfg") is None
    assert keyed.backend("l1/x", "cfg").remaining == 2
    f.write_text(json.dumps({"answers": {"l1/x": {"*": "not a list"}}}))
    with pytest.raises(BackendError, match="lists of strings"):
        KeyedAnswers.load(f)
    f.write_text("[1, 2]")
    with pytest.raises(BackendError, match="'answers' mapping"):
        KeyedAnswers.load(f)


def test_read_records_keeps_the_last_record_per_pair_and_ignores_a_torn_line(tmp_path):
    p = tmp_path / "results.jsonl"
    p.write_text(json.dumps({"case": "a", "config": "c", "status": "error"}) + "\n"
                 + json.dumps({"case": "a", "config": "c", "status": "done"}) + "\n"
                 + '{"case": "b", "config": "c", "sta')
    assert read_records(p) == [{"case": "a", "config": "c", "status": "done"}]


def test_unavailable_reason_names_the_missing_backend():
    from t2j_rag.backends import backend_names

    assert "not registered" in unavailable_reason(Config("no-such-backend"))
    assert unavailable_reason(Config("replay")) is None
    rules = unavailable_reason(Config("replay", draft="rules"))
    assert (rules is None) == ("rules" in backend_names())


def test_timing_job_times_both_sides():
    from t2j_rag.evaluation.timing import run_job

    case = EVALS / "level1" / "bmm_batched"
    out = run_job({"torch_code": case.with_suffix(".py").read_text(),
                   "jax_code": Path(str(case) + "_ref.py").read_text(), "min_seconds": 0.01})
    assert out["torch_ms"] > 0 and out["jax_ms"] > 0 and out["ratio"] == pytest.approx(out["jax_ms"] / out["torch_ms"])
    assert out["compile_ms"] > 0 and min(out["calls"]) >= 3 and out["torch_threads"] == 1
