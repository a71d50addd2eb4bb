import json

import pytest

from t2j_rag.corpus import Entry
from t2j_rag.prompt import PromptTooLong, approx_tokens, build_prompt
from t2j_rag.retrieve import Hit
from t2j_rag.units import split_source

SRC = """import torch
import torch.nn as nn

WIDTH = 8

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(WIDTH)

    def forward(self, x):
        return self.bn(x).std(dim=0)
"""


def _hit(id_, kind, score, body="text", torch_code="", jax_code=""):
    e = Entry(id=id_, kind=kind, title=f"title {id_}", path="x.md", torch_apis=["torch.nn.BatchNorm1d"],
              jax_apis=["flax.nnx.BatchNorm"], body=body, torch_code=torch_code, jax_code=jax_code)
    return Hit(id_, kind, id_, score, score, ["torch.nn.BatchNorm1d"], e)


HITS = [_hit("p1", "pair", 1.5, torch_code="import torch  # P1", jax_code="from flax import nnx  # J1"),
        _hit("n1", "note", 1.4, body="## What differs\nmomentum is 1 - m"),
        _hit("p2", "pair", 0.9, torch_code="torch side two", jax_code="jax side two"),
        _hit("n2", "note", 0.5, body="## What differs\neps differs")]


@pytest.fixture
def unit_and_context():
    source = split_source(SRC)
    return source.units[0], source.context


def test_json_prompt_is_a_json_document_with_everything(unit_and_context):
    unit, context = unit_and_context
    p = build_prompt(unit, context, HITS, fmt="json")
    assert [m["role"] for m in p.messages] == ["system", "user"]
    doc = json.loads(p.messages[1]["content"])
    assert doc["unit"] == {"name": "Net", "kind": "class", "pytorch_source": unit.source}
    assert "WIDTH = 8" in doc["context"]
    assert [x["id"] for x in doc["examples"]] == ["p1", "p2"]
    assert doc["examples"][0] == {"id": "p1", "title": "title p1", "pytorch": "import torch  # P1", "jax": "from flax import nnx  # J1"}
    assert [x["id"] for x in doc["notes"]] == ["n1", "n2"]
    assert doc["notes"][0]["text"].endswith("momentum is 1 - m")
    assert doc["output_schema"]["required"] == ["jax_code", "notes"]
    assert p.retrieved == ["p1", "p2", "n1", "n2"] and p.dropped == []


def test_json_prompt_without_retrieval_has_empty_context(unit_and_context):
    unit, context = unit_and_context
    p = build_prompt(unit, context, [], fmt="json")
    doc = json.loads(p.messages[1]["content"])
    assert doc["examples"] == [] and doc["notes"] == [] and p.retrieved == []
    with_hits = json.loads(build_prompt(unit, context, HITS, fmt="json").messages[1]["content"])
    # the baseline is the same prompt minus the retrieved material
    assert {k: v for k, v in with_hits.items() if k not in ("examples", "notes")} == \
           {k: v for k, v in doc.items() if k not in ("examples", "notes")}


def test_plain_prompt_carries_the_same_material(unit_and_context):
    unit, context = unit_and_context
    p = build_prompt(unit, context, HITS, fmt="plain")
    user = p.messages[1]["content"]
    for needle in ("import torch  # P1", "from flax import nnx  # J1", "momentum is 1 - m", "eps differs", unit.source, "WIDTH = 8"):
        assert needle in user
    bare = build_prompt(unit, context, [], fmt="plain").messages[1]["content"]
    assert "P1" not in bare and "momentum is 1 - m" not in bare and unit.source in bare
    with pytest.raises(ValueError):
        build_prompt(unit, context, HITS, fmt="yaml")


def test_budget_drops_lowest_ranked_first(unit_and_context):
    unit, context = unit_and_context
    full = build_prompt(unit, context, HITS, fmt="json")
    bare = build_prompt(unit, context, [], fmt="json")
    # room for everything but about one retrieved item
    window = full.tokens + 100 + 64 - 20
    p = build_prompt(unit, context, HITS, fmt="json", context_window=window, max_tokens=100)
    assert p.dropped == ["n2"] and p.retrieved == ["p1", "p2", "n1"]
    assert p.tokens + 100 + 64 <= window
    p = build_prompt(unit, context, HITS, fmt="json", context_window=bare.tokens + 100 + 64, max_tokens=100)
    assert p.retrieved == [] and p.dropped == ["n2", "p2", "n1", "p1"]
    with pytest.raises(PromptTooLong, match="does not fit"):
        build_prompt(unit, context, HITS, fmt="json", context_window=bare.tokens, max_tokens=100)


def test_token_counter_is_pluggable(unit_and_context):
    unit, context = unit_and_context
    p = build_prompt(unit, context, HITS, fmt="plain", count_tokens=lambda s: len(s.split()))
    assert p.tokens == sum(len(m["content"].split()) for m in p.messages)
    assert approx_tokens("x" * 35) == 10
