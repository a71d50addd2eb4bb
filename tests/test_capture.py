"""Capturing what a real PyTorch program feeds its modules, functions and optimizers (run in this process)."""

import textwrap

import numpy as np
import pytest
import torch

from t2j_rag.capture import run_original
from t2j_rag.captured import CaptureStore, describe, thaw


def capture(src, tmp_path, max_steps=20, max_seconds=60.0, capture_mb=64, name="cap"):
    store = CaptureStore(str(tmp_path / name), capture_mb)
    cap, _ = run_original(textwrap.dedent(src), "prog.py", str(tmp_path / f"{name}_run"), store, max_steps,
                          max_seconds)
    return cap


NESTED = """
import dataclasses
import torch
import torch.nn as nn

@dataclasses.dataclass
class Config:
    width: int
    depth: int = 2

class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, d)
    def forward(self, x, scale=1.0):
        return torch.tanh(self.fc(x)) * scale

class Net(nn.Module):
    def __init__(self, d_in, cfg):
        super().__init__()
        self.inp = nn.Linear(d_in, cfg.width)
        self.blocks = nn.ModuleList([Block(cfg.width) for _ in range(cfg.depth)])
    def forward(self, x):
        h = self.inp(x)
        for b in self.blocks:
            h = b(h, scale=0.5)
        return h

class Wrapper(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner
    def forward(self, x):
        return self.inner(x)

net = Net(3, Config(4))
x = torch.arange(6.0).reshape(2, 3)
net.eval()
y = net(x)
Wrapper(net)(x)
"""


def test_modules_record_constructor_arguments_inputs_and_copies(tmp_path):
    cap = capture(NESTED, tmp_path)
    assert cap.outcome.status == "ok", cap.outcome.message
    net, block, wrapper = cap.modules["Net"], cap.modules["Block"], cap.modules["Wrapper"]
    assert describe(net.init) == "((3, Config(width=4, depth=2)), {})"
    assert net.mode == "eval" and net.output == "float32[2, 4]"
    (args, kwargs) = thaw(net.inputs, cap.store, "torch")
    assert torch.equal(args[0], torch.arange(6.0).reshape(2, 3)) and kwargs == {}
    # the nested block: its own constructor arguments and its first call's inputs, keyword included
    assert describe(block.init) == "((4,), {})" and describe(block.inputs) == "((float32[2, 4],), {'scale': 0.5})"
    assert isinstance(net.snapshot, torch.nn.Module) and net.snapshot is not None
    # only instances built with no other file module under construction are roots
    assert list(cap.roots) == ["Net", "Wrapper"] and len(cap.roots["Net"]) == 1
    assert (wrapper.called, wrapper.skip) == (True, "constructor argument of type module")


FUNCTIONS = """
import torch

def scale(x, k=2.0):
    return x * k

def count(model):
    return sum(p.numel() for p in model.parameters())

def batches(n):
    for i in range(n):
        yield torch.full((2,), float(i))

def plain(a, b):
    return a + b

first = scale(torch.ones(3), k=3.0)
second = scale(torch.zeros(3))
count(torch.nn.Linear(2, 2))
list(batches(2))
plain(1, 2)
"""


def test_functions_keep_their_first_call_or_say_why_not(tmp_path):
    cap = capture(FUNCTIONS, tmp_path)
    f = cap.functions
    assert describe(f["scale"].args) == "((float32[3],), {'k': 3.0})"
    assert np.array_equal(thaw(f["scale"].result, cap.store, "numpy"), np.full(3, 3.0, np.float32))
    assert f["count"].skip == "takes a module"
    assert f["batches"].skip == "returns a generator"
    assert f["plain"].skip == "no array in its arguments or result"


DRAWS = """
import torch
import torch.nn as nn

class Noisy(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3))   # initialisation: not part of the program's stream
        self.fc = nn.Linear(3, 3)               # nor is what nn.init draws
    def forward(self, x):
        return self.fc(x) + torch.randn_like(x)

a = torch.randn(3, 2)
b = torch.normal(2.0, 3.0, size=(4,))
c = torch.rand(5)
d = torch.empty(6).uniform_(-1.0, 1.0)
e = torch.randint(0, 10, (7,))
m = Noisy()
out = m(torch.zeros(2, 3))
"""


def test_random_draws_are_recorded_standardised_outside_constructors(tmp_path):
    cap = capture(DRAWS, tmp_path)
    assert cap.outcome.status == "ok", cap.outcome.message
    kinds = [(d.kind, d.source, d.shape, d.in_module) for d in cap.draws]
    assert kinds == [("normal", "randn", (3, 2), False), ("normal", "normal", (4,), False),
                     ("uniform", "rand", (5,), False), ("uniform", "uniform_", (6,), False),
                     ("randint", "randint", (7,), False), ("normal", "randn_like", (2, 3), True)]
    ns = cap.outcome.namespace
    values = [cap.store.get(d.ref) for d in cap.draws]
    assert np.allclose(values[0], ns["a"].numpy())
    assert np.allclose(values[1], (ns["b"].numpy() - 2.0) / 3.0, atol=1e-6)  # normal(m, s) -> z
    assert np.allclose(values[3], (ns["d"].numpy() + 1.0) / 2.0, atol=1e-6)  # uniform_(lo, hi) -> u
    assert np.array_equal(values[4], ns["e"].numpy())
    assert cap.modules["Noisy"].draws == (5, 6)  # the draw its first call made


LOADER = """
import torch
from torch.utils.data import DataLoader, TensorDataset

X = torch.arange(8.0).unsqueeze(1)
loader = DataLoader(TensorDataset(X), batch_size=4, shuffle=True, num_workers=2)
seen = []
for epoch in range(2):
    for (xb,) in loader:
        seen.append(xb.squeeze(1).long().tolist())
"""


def test_a_shuffling_loader_leaves_one_permutation_per_epoch(tmp_path):
    cap = capture(LOADER, tmp_path)
    assert cap.outcome.status == "ok", cap.outcome.message
    assert [(d.kind, d.shape) for d in cap.draws] == [("permutation", (8,))] * 2
    seen = cap.outcome.namespace["seen"]
    for epoch, d in enumerate(cap.draws):
        perm = cap.store.get(d.ref).tolist()
        assert seen[2 * epoch] + seen[2 * epoch + 1] == perm
    assert any("workers were set to 0" in n for n in cap.notes)


TRAIN = """
import torch
import torch.nn as nn

torch.manual_seed(0)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 1)
        self.drop = nn.Dropout(0.5)
    def forward(self, x):
        return self.fc(self.drop(x)).squeeze(-1)

def main():
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=0.1, weight_decay=0.01)
    x, y = torch.randn(16, 4), torch.randn(16)
    for step in range(100):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.5f}")

if __name__ == "__main__":
    main()
"""


def test_training_steps_are_recorded_and_the_cap_does_not_change_them(tmp_path):
    cap3 = capture(TRAIN, tmp_path, max_steps=3, name="three")
    cap5 = capture(TRAIN, tmp_path, max_steps=5, name="five")
    assert (cap3.outcome.status, cap3.outcome.cap) == ("capped", "steps")
    (oc3,), (oc5,) = cap3.optimizers, cap5.optimizers
    assert (oc3.cls_name, oc3.owner_name, len(oc3.steps), len(oc5.steps)) == ("Adam", "Net", 3, 5)
    assert oc3.hyper["lr"] == 0.1 and oc3.hyper["weight_decay"] == 0.01 and oc3.hyper["betas"] == [0.9, 0.999]
    assert [s.loss for s in oc3.steps] == [s.loss for s in oc5.steps[:3]]
    # the cap stops the program inside the third step(), before it prints that step's loss
    assert cap3.outcome.losses == pytest.approx([s.loss for s in oc3.steps[:2]], abs=1e-5)
    for s3, s5 in zip(oc3.steps, oc5.steps):
        assert set(s3.state) == {"fc.weight", "fc.bias"}
        assert np.array_equal(cap3.store.get(s3.state["fc.weight"]), cap5.store.get(s5.state["fc.weight"]))
        assert s3.batch == "(float32[16, 4],)"
    # dropout was off: the loss is the plain linear model's
    assert any("dropout was switched off" in n for n in cap3.notes)
    assert cap3.functions["main"].skip == "the cap stopped the program during its first call"


def test_the_owner_of_an_optimizer_can_be_a_plain_sequential(tmp_path):
    src = """
    import torch, torch.nn as nn
    def train():
        model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for _ in range(4):
            opt.zero_grad()
            model(torch.ones(3, 2)).sum().backward()
            opt.step()
    train()
    """
    cap = capture(src, tmp_path, max_steps=2)
    (oc,) = cap.optimizers
    assert oc.owner_name == "Sequential" and len(oc.steps) == 2 and oc.hyper["momentum"] == 0.9
    assert set(oc.steps[0].state) == {"0.weight", "0.bias", "2.weight", "2.bias"}


def test_a_crashing_original_keeps_what_it_captured(tmp_path):
    src = """
    import torch, torch.nn as nn
    class A(nn.Module):
        def forward(self, x):
            return x * 2
    A()(torch.ones(2))
    open("/no/such/dataset.csv")
    """
    cap = capture(src, tmp_path)
    assert cap.outcome.status == "error" and "FileNotFoundError" in cap.outcome.message
    assert cap.modules["A"].called and cap.modules["A"].skip is None
