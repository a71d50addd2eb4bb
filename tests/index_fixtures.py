"""Session fixtures for the index and retrieval tests (loaded from conftest.py).

The embedding model loads once per session; the index over the shipped corpus
is built once into a temporary directory and only read by the tests.
"""

import os
import textwrap

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def embedder():
    from t2j_rag.embed import Embedder

    e = Embedder()
    e.encode(["warm up"])
    return e


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory, embedder):
    from t2j_rag.index import build_index
    from t2j_rag.resources import shipped_corpus_dir

    d = tmp_path_factory.mktemp("shipped-index")
    build_index([shipped_corpus_dir()], d, progress=False, embedder=embedder)
    return d


@pytest.fixture(scope="session")
def shipped_retriever(shipped_index, embedder):
    from t2j_rag.index import load_index
    from t2j_rag.retrieve import Retriever

    return Retriever(load_index(shipped_index), embedder)


def write_entry(root, kind, slug, front, body):
    sub = {"pair": "pairs", "note": "notes", "fix": "fixes"}[kind]
    path = root / sub / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("+++\n" + textwrap.dedent(front).strip() + "\n+++\n" + textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


NOTE_BODY = """
## What differs
{text}
## Wrong
```python
wrong()
```
## Right
```python
right()
```
"""

PAIR_BODY = """
{text}

```python torch
{torch}
```

```python jax
{jax}
```
"""


@pytest.fixture
def tiny_corpus(tmp_path):
    """Three notes and two pairs, enough to exercise build, incremental and fingerprint logic."""
    root = tmp_path / "corpus"
    for slug, api, text in [("n-abs", "torch.abs", "absolute value is the same"),
                            ("n-std", "torch.Tensor.std", "std is unbiased in torch, ddof=0 in jax"),
                            ("n-inplace", "torch.Tensor.*_", "in-place methods become functional updates")]:
        write_entry(root, "note", slug, f'id = "{slug}"\ntitle = "{text}"\ntorch_apis = ["{api}"]', NOTE_BODY.format(text=text))
    for slug, code in [("p-relu", "torch.relu(x)"), ("p-tanh", "torch.tanh(x)")]:
        torch_code = f"import torch\ndef f(x):\n    return {code}\ndef get_inputs():\n    return [torch.randn(3)]"
        jax_code = f"import jax.numpy as jnp\nimport jax\ndef f(x):\n    return {code.replace('torch.relu', 'jax.nn.relu').replace('torch', 'jnp')}"
        write_entry(root, "pair", slug, f'id = "{slug}"\ntitle = "{slug}"\ntorch_apis = ["torch.{code.split("(")[0].split(".")[1]}"]\nentry = "f"',
                    PAIR_BODY.format(text="a pair", torch=torch_code, jax=jax_code))
    return root
