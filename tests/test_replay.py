"""Running a JAX translation in step with a captured original (both real programs, run in this process)."""

import textwrap

import numpy as np
import pytest

from t2j_rag.capture import run_original
from t2j_rag.captured import CaptureStore
from t2j_rag.replay import run_translation


def both(torch_src, jax_src, tmp_path, max_steps=20, max_seconds=120.0):
    store = CaptureStore(str(tmp_path / "cap"), 64)
    cap, _ = run_original(textwrap.dedent(torch_src), "orig.py", str(tmp_path / "t"), store, max_steps, max_seconds)
    assert cap.outcome.status in ("ok", "capped"), cap.outcome.message
    run, rep = run_translation(textwrap.dedent(jax_src), "trans.py", str(tmp_path / "j"), cap, store, max_steps,
                               max_seconds)
    return cap, run


DRAWS_T = """
import torch
a = torch.randn(3, 2)
b = torch.rand(4) * 2 - 1
perm = torch.randperm(5)
c = torch.randn(6)
"""
DRAWS_J = """
import jax
import jax.random as jr
import numpy as np
from flax import nnx
rngs = nnx.Rngs(0)
a = jax.random.normal(rngs(), (3, 2))
noise = np.random.normal(size=3)       # NumPy: not a draw of the replayed stream
b = jr.uniform(rngs(), (4,), minval=-1.0, maxval=1.0)
perm = rngs.permutation(5)
c = jax.random.normal(rngs(), (SHAPE,))
"""


def test_the_translation_gets_the_originals_draws_in_order(tmp_path):
    cap, run = both(DRAWS_T, DRAWS_J.replace("SHAPE", "6"), tmp_path)
    assert run.outcome.status == "ok", run.outcome.message
    ns, tns = run.namespace, cap.outcome.namespace
    assert np.allclose(np.asarray(ns["a"]), tns["a"].numpy())
    assert np.allclose(np.asarray(ns["b"]), tns["b"].numpy(), atol=1e-6)
    assert np.array_equal(np.asarray(ns["perm"]), tns["perm"].numpy())
    assert np.allclose(np.asarray(ns["c"]), tns["c"].numpy())
    assert (run.replayed, run.diverged) == (4, None)


def test_the_first_disagreement_stops_replay_and_says_where(tmp_path):
    cap, run = both(DRAWS_T, DRAWS_J.replace("SHAPE", "7"), tmp_path)
    assert run.replayed == 3
    assert run.diverged["draw"] == 4 and run.diverged["torch"] == "normal[6] (torch.randn)"
    assert "shape [7] in the translation, [6] in the original" in run.diverged["reason"]


SYNC_T = """
import torch, torch.nn as nn
class Net(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, 2)
    def forward(self, x):
        return self.fc(x)
net = Net(3)
other = Net(3)
"""
SYNC_J = """
from flax import nnx
class Net(nnx.Module):
    def __init__(self, d, *, rngs):
        self.fc = nnx.Linear(d, 2, rngs=rngs)
    def __call__(self, x):
        return self.fc(x)
net = Net(3, rngs=nnx.Rngs(0))
other = Net(OTHER, rngs=nnx.Rngs(1))
"""


def test_root_instances_start_from_the_originals_weights(tmp_path):
    cap, run = both(SYNC_T, SYNC_J.replace("OTHER", "3"), tmp_path)
    tns, ns = cap.outcome.namespace, run.namespace
    for name in ("net", "other"):
        assert np.allclose(np.asarray(ns[name].fc.kernel.get_value()), tns[name].fc.weight.detach().numpy().T)
    assert run.sync_errors == []
    _, run = both(SYNC_T, SYNC_J.replace("OTHER", "4"), tmp_path)
    assert [name for name, _ in run.sync_errors] == ["Net"] and "shape" in run.sync_errors[0][1]


TRAIN_T = """
import torch, torch.nn as nn
torch.manual_seed(0)
model = nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
x, y = torch.randn(8, 3), torch.randn(8, 1)
for step in range(50):
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
    print("loss", loss.item())
"""
TRAIN_J = """
import jax, jax.numpy as jnp, optax
from flax import nnx
rngs = nnx.Rngs(0)
model = nnx.Linear(3, 1, rngs=rngs)
opt = nnx.Optimizer(model, optax.sgd(0.1, momentum=0.5), wrt=nnx.Param)
x, y = jax.random.normal(rngs(), (8, 3)), jax.random.normal(rngs(), (8, 1))

JIT
def train_step(model, opt, x, y):
    loss, grads = nnx.value_and_grad(lambda m: ((m(x) - y) ** 2).mean())(model)
    opt.update(model, grads)
    return loss

for step in range(50):
    loss = train_step(model, opt, x, y)
    print("loss", loss.item())
"""


@pytest.mark.slow
@pytest.mark.parametrize("jit", ["@nnx.jit", ""])
def test_steps_are_recorded_jitted_or_eager_and_stop_at_the_cap(tmp_path, jit):
    cap, run = both(TRAIN_T, TRAIN_J.replace("JIT", jit), tmp_path, max_steps=3)
    assert (run.outcome.status, run.outcome.cap) == ("capped", "steps"), run.outcome.message
    (jo,) = run.optimizers
    (oc,) = cap.optimizers
    assert len(jo.steps) == 3 and jo.sync_error is None
    assert [s.loss for s in jo.steps] == pytest.approx([s.loss for s in oc.steps], rel=1e-5)
    for ts, js in zip(oc.steps, jo.steps):
        kernel = cap.store.get(js.state["kernel"])
        assert np.allclose(kernel, cap.store.get(ts.state["weight"]).T, atol=1e-6)


OPTAX_J = """
import jax, jax.numpy as jnp, optax
params = {"w": jnp.zeros((3, 1)), "b": jnp.zeros(1)}
tx = optax.sgd(0.1)
state = tx.init(params)
x, y = jnp.ones((8, 3)), jnp.ones((8, 1))

@jax.jit
def step(params, state):
    loss, grads = jax.value_and_grad(lambda p: ((x @ p["w"] + p["b"] - y) ** 2).mean())(params)
    updates, state = tx.update(grads, state)
    return optax.apply_updates(params, updates), state, loss

for i in range(50):
    params, state, loss = step(params, state)
"""


@pytest.mark.slow
def test_a_translation_without_nnx_optimizer_is_counted_and_capped(tmp_path):
    cap, run = both(TRAIN_T, OPTAX_J, tmp_path, max_steps=4)
    assert (run.outcome.status, run.outcome.cap) == ("capped", "steps"), run.outcome.message
    assert run.optax_steps == 4 and run.optimizers == []
    assert len(run.losses) == 4
