"""The evaluation suite in evals/: enough varied cases, references that pass the verifier, and no overlap
with the retrieval corpus."""

import ast
import re
from pathlib import Path

import pytest

from t2j_rag.evaluation.similarity import NEAR_DUPLICATE, Fingerprint, similarity
from t2j_rag.evaluation.suite import load_suite

EVALS = Path(__file__).resolve().parents[1] / "evals"
SUITE = load_suite(EVALS)


def test_suite_has_three_levels_of_cases_all_with_references():
    levels = {}
    for c in SUITE.cases:
        levels.setdefault(c.level, []).append(c)
    assert len(SUITE.cases) >= 40
    assert sorted(levels) == ["level1", "level2", "level3"]
    assert all(len(v) >= 10 for v in levels.values()), {k: len(v) for k, v in levels.items()}
    assert SUITE.skipped == []
    for c in SUITE.cases:
        assert c.ref_code is not None, c.id
        tree = ast.parse(c.torch_code)
        sizes = [n for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
                 and type(n.value.value) is int]
        assert sizes, f"{c.id}: sizes belong in module-level constants"


@pytest.fixture(scope="module")
def worker():
    from t2j_rag.sandbox import Limits, Worker

    with Worker(Limits(timeout=120)) as w:
        yield w


@pytest.mark.slow
@pytest.mark.parametrize("case", SUITE.cases, ids=[c.id for c in SUITE.cases])
def test_reference_translation_passes_the_verifier(case, worker):
    from t2j_rag.verify import verify_code

    report = verify_code(case.torch_code, case.ref_code, worker=worker)
    assert report.passed, f"{case.id}: {report.stage}: {report.message}"
    assert report.entry == "Model"


def _corpus_fingerprints():
    from t2j_rag.corpus import load_corpus
    from t2j_rag.resources import shipped_corpus_dir

    return [(e.id, e.torch_code, Fingerprint(e.torch_code)) for e in load_corpus([shipped_corpus_dir()])
            if e.torch_code]


@pytest.mark.slow
def test_no_case_duplicates_or_nearly_duplicates_a_corpus_entry():
    corpus = _corpus_fingerprints()
    assert len(corpus) > 100
    worst = (0.0, "", "")
    for case in SUITE.cases:
        fp = Fingerprint(case.torch_code)
        for entry_id, _, efp in corpus:
            worst = max(worst, (similarity(fp, efp), case.id, entry_id))
    print(f"max similarity between an evaluation case and a corpus pair: {worst[0]:.3f} ({worst[1]} ~ {worst[2]})")
    assert worst[0] < NEAR_DUPLICATE, f"{worst[1]} nearly duplicates corpus entry {worst[2]} ({worst[0]:.2f})"


@pytest.mark.slow
def test_no_two_cases_nearly_duplicate_each_other():
    # A batch measured as held out must not re-measure an operator an earlier batch already covers.
    fps = [(c.id, Fingerprint(c.torch_code)) for c in SUITE.cases]
    worst = max((similarity(a, b), ia, ib) for i, (ia, a) in enumerate(fps) for ib, b in fps[i + 1:])
    print(f"max similarity between two evaluation cases: {worst[0]:.3f} ({worst[1]} ~ {worst[2]})")
    assert worst[0] < NEAR_DUPLICATE, f"{worst[1]} nearly duplicates {worst[2]} ({worst[0]:.2f})"


@pytest.mark.slow
def test_the_duplicate_check_catches_a_renamed_and_resized_copy():
    entry_id, code, fp = next(c for c in _corpus_fingerprints() if c[0] == "conv-depthwise-separable")
    copy = re.sub(r"\bself\.(\w+)", lambda m: f"self.renamed_{m.group(1)}", code)
    copy = re.sub(r"\b(\d+)\b", lambda m: str(int(m.group(1)) * 2), copy)
    copy = "# adapted\n" + copy.replace("def forward(self, x)", "def forward(self, inp)").replace("(x)", "(inp)")
    assert copy != code
    assert similarity(copy, fp) >= NEAR_DUPLICATE
