"""The data, randomness and checkpoint lines of a whole training script, translated together and run
as one program: random data from the seeded stream, a shuffled DataLoader feeding a jitted step,
a split, and a checkpoint written and restored into a fresh model. The model and the optimizer
are built by hand here (their translation belongs to other mappings)."""

import ast

import numpy as np
import optax
from flax import nnx

from t2j_rag.rules.training.random import translate_manual_seed
from training_fake_engine import FakeEngine, namespace

SCRIPT = '''
X = torch.randn(N, D)
y = (X @ torch.randn(D, C)).argmax(axis=1)
train_set, val_set = random_split(TensorDataset(X, y), [0.75, 0.25])
loader = DataLoader(train_set, batch_size=16, shuffle=True, num_workers=2, pin_memory=True)
val_loader = DataLoader(val_set, batch_size=64)
model = MLP(rngs=rngs)
optimizer = make_optimizer(model)
for epoch in range(3):
    seen = []
    for xb, yb in loader:
        seen.append(xb.shape[0])
        loss = train_step(model, optimizer, xb, yb)
    assert sum(seen) == len(train_set) and len(seen) == len(loader)
torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)
model2 = MLP(rngs=rngs)
optimizer2 = make_optimizer(model2)
ckpt = torch.load(path, map_location="cpu")
model2.load_state_dict(ckpt["model"])
optimizer2.load_state_dict(ckpt["optimizer"])
xv, yv = next(iter(val_loader))
'''


class MLP(nnx.Module):
    def __init__(self, *, rngs):
        self.fc1 = nnx.Linear(4, 16, rngs=rngs)
        self.fc2 = nnx.Linear(16, 3, rngs=rngs)

    def __call__(self, x):
        return self.fc2(nnx.relu(self.fc1(x)))


TX = optax.adam(1e-2)


@nnx.jit
def train_step(model, optimizer, xb, yb):
    def loss_fn(model):
        return optax.softmax_cross_entropy_with_integer_labels(model(xb), yb).mean()

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss


def _program(seed):
    kinds = {n: "torch.nn.Module" for n in ("model", "model2")} | {n: "torch.optim.Optimizer"
                                                                   for n in ("optimizer", "optimizer2")}
    engine = FakeEngine(kinds)
    tree = engine.visit(ast.parse(SCRIPT))
    seed_stmt = translate_manual_seed("torch.manual_seed", [ast.Constant(seed)], [], module_level=True)
    tree.body.insert(0, seed_stmt)
    return ast.unparse(ast.fix_missing_locations(tree)), engine.helpers


def test_translated_script_trains_and_restores(tmp_path):
    code, helpers = _program(0)
    assert "rngs = nnx.Rngs(0)" in code and "torch" not in code
    assert "DataLoader(train_set, batch_size=16, shuffle=True, rngs=rngs)" in code
    assert ("t2j_save_checkpoint({'model': t2j_state_dict(model), 'optimizer': t2j_state_dict(optimizer), "
            "'epoch': epoch}, path)") in code
    assert helpers == {"ArrayDataset", "DataLoader", "random_split", "t2j_save_checkpoint", "t2j_load_checkpoint",
                       "t2j_state_dict", "t2j_load_state_dict"}

    def run(seed):
        ns = namespace(*helpers, N=96, D=4, C=3, MLP=MLP, train_step=train_step, path=tmp_path / f"ckpt{seed}.pt",
                       make_optimizer=lambda m: nnx.Optimizer(m, TX, wrt=nnx.Param))
        exec(_program(seed)[0], ns)
        return ns

    ns = run(0)
    assert ns["ckpt"]["epoch"] == 2 and len(ns["train_set"]) == 72 and ns["xv"].shape == (24, 4)
    np.testing.assert_array_equal(ns["model"](ns["xv"]), ns["model2"](ns["xv"]))
    np.testing.assert_array_equal(ns["optimizer"].step.get_value(), ns["optimizer2"].step.get_value())
    assert int(ns["optimizer2"].step.get_value()) == 3 * 5  # 72 items, batches of 16: 5 steps an epoch
    again = run(0)  # the seed fixes the data, the split, the shuffles and the initial weights
    np.testing.assert_array_equal(ns["model"](ns["xv"]), again["model"](again["xv"]))
    other = run(1)
    assert not np.array_equal(ns["X"], other["X"])
