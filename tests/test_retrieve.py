from pathlib import Path

import pytest

from index_fixtures import NOTE_BODY, PAIR_BODY, write_entry
from t2j_rag.index import build_index, load_index
from t2j_rag.retrieve import Retriever, retrieve_for_source
from t2j_rag.units import split_source

pytestmark = pytest.mark.slow


def _note_apis(hits):
    return {a for h in hits if h.kind == "note" for a in h.entry.torch_apis}


@pytest.mark.parametrize("api,init,body", [
    ("torch.nn.BatchNorm2d", "self.bn = nn.BatchNorm2d(16, momentum=0.05)", "y = self.bn(self.conv(x))"),
    ("torch.nn.LayerNorm", "self.ln = nn.LayerNorm(16)", "y = self.ln(self.conv(x))"),
    ("torch.nn.GELU", "self.act = nn.GELU()", "y = self.act(self.conv(x))"),
    ("torch.Tensor.std", "self.scale = 2.0", "y = self.conv(x).std(dim=1, keepdim=True)"),
    ("torch.nn.Dropout", "self.drop = nn.Dropout(0.2)", "y = self.drop(self.conv(x))"),
    ("torch.nn.LSTM", "self.rnn = nn.LSTM(8, 16, batch_first=True)", "y, _ = self.rnn(self.conv(x).flatten(2))"),
])
def test_notes_for_called_apis_are_retrieved(shipped_retriever, api, init, body):
    """A conv-looking unit that calls an API gets a note declaring that API among its top notes."""
    src = ("import torch\nimport torch.nn as nn\n\nclass Block(nn.Module):\n    def __init__(self):\n"
           "        super().__init__()\n        self.conv = nn.Conv2d(3, 16, 3, padding=1)\n"
           f"        {init}\n\n    def forward(self, x):\n        {body}\n        return y\n")
    unit = split_source(src).units[0]
    assert api in unit.apis
    hits = shipped_retriever.search(unit.source, unit.apis, k=4)
    assert api in _note_apis(hits), [h.id for h in hits]


def test_exact_api_match_beats_similar_looking_code(tmp_path, embedder):
    """Five pairs that look like the unit must not crowd out the one note on the API it calls."""
    root = tmp_path / "c"
    conv_torch = "import torch.nn as nn\nclass Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n" \
                 "        self.conv{i} = nn.Conv2d(3, 8, 3)\n    def forward(self, x):\n        return self.conv{i}(x)\n" \
                 "def get_inputs():\n    return []"
    for i in range(5):
        write_entry(root, "pair", f"conv{i}", f'id = "conv{i}"\ntitle = "conv block {i}"\ntorch_apis = ["torch.nn.Conv2d"]',
                    PAIR_BODY.format(text="a conv", torch=conv_torch.format(i=i), jax="x = 1"))
        write_entry(root, "note", f"conv-note{i}", f'id = "conv-note{i}"\ntitle = "Conv2d layout {i}"\ntorch_apis = ["torch.nn.Conv2d"]',
                    NOTE_BODY.format(text="NCHW versus NHWC layouts for convolution"))
    write_entry(root, "note", "bn", 'id = "bn"\ntitle = "running statistics"\ntorch_apis = ["torch.nn.BatchNorm2d"]',
                NOTE_BODY.format(text="momentum complement"))
    idx = tmp_path / "idx"
    build_index([root], idx, progress=False, embedder=embedder)
    r = Retriever(load_index(idx), embedder)
    code = conv_torch.format(i=0).replace("return self.conv0(x)", "return self.bn(self.conv0(x))").replace(
        "self.conv0 = nn.Conv2d(3, 8, 3)", "self.conv0 = nn.Conv2d(3, 8, 3)\n        self.bn = nn.BatchNorm2d(8)")
    unit = split_source(code).units[0]
    hits = r.search(unit.source, unit.apis, k=2)
    notes = [h.id for h in hits if h.kind == "note"]
    assert notes[0] == "bn"
    assert len([h for h in hits if h.kind == "pair"]) == 2


def test_hits_are_ranked_and_bounded(shipped_retriever):
    src = "import torch\nimport torch.nn.functional as F\n\ndef head(x, w):\n    return F.log_softmax(x @ w, dim=-1)\n"
    unit = split_source(src).units[0]
    hits = shipped_retriever.search(unit.source, unit.apis, k=3)
    pairs = [h for h in hits if h.kind != "note"]
    notes = [h for h in hits if h.kind == "note"]
    assert len(pairs) == 3 and len(notes) == 3
    for group in (pairs, notes):
        assert [h.score for h in group] == sorted((h.score for h in group), reverse=True)
    assert shipped_retriever.search(unit.source, unit.apis, k=0) == []


def test_retrieve_for_source_one_result_per_unit(shipped_retriever):
    from t2j_rag.units import read_source

    source = read_source(str(Path(__file__).parents[1] / "examples" / "attention.py"))
    results = retrieve_for_source(source, shipped_retriever, k=2)
    assert [r.unit for r in results] == [u.name for u in source.units]
    assert all(len(r.hits) == 4 for r in results)
    assert all(r.hits[0].api_matches for r in results)
