"""convert-weights: a PyTorch checkpoint into the translated module, through the sandbox."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from t2j_rag.convert import convert_checkpoint
from t2j_rag.errors import ConversionError, OutputError
from t2j_rag.weights import load_converted

pytestmark = pytest.mark.slow

TORCH = '''import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(d_in, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.head = nn.Linear(8, d_out)

    def forward(self, x):
        return self.head(self.body(x).mean(dim=(2, 3)))


def get_inputs():
    return [torch.randn(2, 3, 6, 6)]


def get_init_inputs():
    return [3, 5]
'''

JAX = '''import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, d_in, d_out, *, rngs: nnx.Rngs):
        self.body = nnx.Sequential(nnx.Conv(d_in, 8, (3, 3), padding=1, rngs=rngs),
                                   nnx.BatchNorm(8, momentum=0.9, rngs=rngs), jax.nn.relu)
        self.head = nnx.Linear(8, d_out, rngs=rngs)

    def __call__(self, x):
        y = self.body(jnp.transpose(x, (0, 2, 3, 1)))
        return self.head(y.mean(axis=(1, 2)))
'''


@pytest.fixture
def files(tmp_path):
    (tmp_path / "model.py").write_text(TORCH)
    (tmp_path / "model_jax.py").write_text(JAX)
    ns = {}
    exec(TORCH, ns)
    torch.manual_seed(3)
    model = ns["Model"](3, 5)
    with torch.no_grad():  # non-default statistics, so a lost buffer would show
        model.body[1].running_mean.normal_()
        model.body[1].running_var.uniform_(0.5, 2.0)
    model.eval()
    torch.save(model.state_dict(), tmp_path / "ckpt.pt")
    return tmp_path, model


def test_converted_checkpoint_reproduces_the_torch_model(files):
    from flax import nnx

    tmp_path, model = files
    out = tmp_path / "state.msgpack"
    summary = convert_checkpoint(tmp_path / "ckpt.pt", tmp_path / "model.py", tmp_path / "model_jax.py", out)
    assert summary["parameters"] == sum(p.numel() for p in model.parameters())
    ns = {}
    exec(JAX, ns)
    jm = ns["Model"](3, 5, rngs=nnx.Rngs(0))
    load_converted(out, jm)
    jm.eval()
    x = torch.randn(2, 3, 6, 6)
    with torch.no_grad():
        expected = model(x).numpy()
    assert np.allclose(np.asarray(jm(x.numpy())), expected, rtol=1e-4, atol=1e-5)


def test_bad_checkpoint_and_existing_output(files):
    tmp_path, _ = files
    torch.save({"head.weight": torch.zeros(2, 2)}, tmp_path / "bad.pt")
    with pytest.raises(ConversionError, match="conversion failed"):
        convert_checkpoint(tmp_path / "bad.pt", tmp_path / "model.py", tmp_path / "model_jax.py", tmp_path / "o.msgpack")
    assert not list(tmp_path.glob("*.msgpack")) and not list(tmp_path.glob(".*.tmp"))
    (tmp_path / "o.msgpack").write_bytes(b"keep")
    with pytest.raises(OutputError, match="--force"):
        convert_checkpoint(tmp_path / "ckpt.pt", tmp_path / "model.py", tmp_path / "model_jax.py", tmp_path / "o.msgpack")
    assert (tmp_path / "o.msgpack").read_bytes() == b"keep"


def test_cli(files):
    tmp_path, _ = files
    res = subprocess.run([sys.executable, "-m", "t2j_rag.cli", "convert-weights", "ckpt.pt", "model.py", "model_jax.py",
                          "-o", "w.msgpack"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert "wrote w.msgpack" in res.stdout and (tmp_path / "w.msgpack").stat().st_size > 0
