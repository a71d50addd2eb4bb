"""Flax NNX translation of mlp_adam.py (hand-written, in the style the translator targets)."""
import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

rngs = nnx.Rngs(0)
N, D, C = 256, 16, 4


class ArrayDataset:
    def __init__(self, *arrays):
        self.arrays = arrays

    def __len__(self):
        return len(self.arrays[0])


class DataLoader:
    """Batches of NumPy arrays; a fresh permutation from `rngs` each epoch when shuffling."""

    def __init__(self, dataset, batch_size, shuffle=False, rngs=None):
        self.dataset, self.batch_size, self.shuffle, self.rngs = dataset, batch_size, shuffle, rngs

    def __iter__(self):
        n = len(self.dataset)
        order = np.asarray(jax.random.permutation(self.rngs(), n)) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            yield tuple(a[idx] for a in self.dataset.arrays)


class LRScheduler:
    """Sets the learning rate of an inject_hyperparams optimizer from a schedule of the step() count."""

    def __init__(self, optimizer, schedule):
        self.optimizer, self.schedule, self.count = optimizer, schedule, 0

    def step(self):
        self.count += 1
        # a strong float32, as the optimizer was built with: another type would recompile the train step
        self.optimizer.opt_state.hyperparams["learning_rate"][...] = jnp.asarray(self.schedule(self.count), jnp.float32)


class Block(nnx.Module):
    def __init__(self, d_in, d_out, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(d_in, d_out, rngs=rngs)

    def __call__(self, x):
        return jax.nn.gelu(self.fc(x), approximate=False)


class MLP(nnx.Module):
    def __init__(self, d_in, hidden, n_classes, *, rngs: nnx.Rngs):
        self.block1 = Block(d_in, hidden, rngs=rngs)
        self.block2 = Block(hidden, hidden, rngs=rngs)
        self.head = nnx.Linear(hidden, n_classes, rngs=rngs)

    def __call__(self, x):
        return self.head(self.block2(self.block1(x)))


def accuracy(logits, y):
    return (logits.argmax(axis=1) == y).astype(jnp.float32).mean()


def adam_l2(learning_rate, weight_decay=0.05):
    # torch.optim.Adam's weight_decay is L2 added to the gradient, before the moments
    return optax.chain(optax.add_decayed_weights(weight_decay), optax.scale_by_adam(),
                       optax.scale_by_learning_rate(learning_rate))


def criterion(out, yb):
    return optax.softmax_cross_entropy_with_integer_labels(out, yb).mean()


X = jax.random.normal(rngs(), (N, D))
y = (X @ jax.random.normal(rngs(), (D, C))).argmax(axis=1)
loader = DataLoader(ArrayDataset(np.asarray(X), np.asarray(y)), batch_size=32, shuffle=True, rngs=rngs)
model = MLP(D, 32, C, rngs=rngs)
optimizer = nnx.Optimizer(model, optax.inject_hyperparams(adam_l2)(learning_rate=jnp.float32(1e-2)), wrt=nnx.Param)
scheduler = LRScheduler(optimizer, optax.exponential_decay(1e-2, transition_steps=1, decay_rate=0.5, staircase=True))


@nnx.jit
def train_step(model, optimizer, xb, yb):
    def loss_fn(model):
        out = model(xb)
        loss = criterion(out, yb)
        return loss
    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss


for epoch in range(5):
    model.train()
    total = 0.0
    for xb, yb in loader:
        loss = train_step(model, optimizer, xb, yb)
        total += loss.item() * xb.shape[0]
    scheduler.step()
    model.eval()
    acc = accuracy(model(X), y).item()
    print(f"epoch {epoch} loss {total / N:.4f} acc {acc:.3f}")
