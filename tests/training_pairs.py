"""A torch model and an nnx model with the same weights, fixed gradients for both, and the namespace in which
translated training code runs (pasted helpers only, as in a translated file). Shared by the tests of
`t2j_rag/rules/training`."""

from __future__ import annotations

import ast
import types

import numpy as np

from t2j_rag.rules.training import helper_imports, helper_source


def torch_model(seed: int = 0):
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = torch.nn.Linear(4, 5)
            self.head = torch.nn.Linear(5, 3)

        def forward(self, x):
            return self.head(torch.tanh(self.backbone(x)))

    torch.manual_seed(seed)
    return Net()


def nnx_model(tmodel):
    """The nnx twin of `torch_model`, holding the same weights (kernel = weight.T)."""
    import jax.numpy as jnp
    from flax import nnx

    class Net(nnx.Module):
        def __init__(self, rngs):
            self.backbone = nnx.Linear(4, 5, rngs=rngs)
            self.head = nnx.Linear(5, 3, rngs=rngs)

        def __call__(self, x):
            return self.head(jnp.tanh(self.backbone(x)))

    model = Net(nnx.Rngs(0))
    for name in ("backbone", "head"):
        layer, tlayer = getattr(model, name), getattr(tmodel, name)
        layer.kernel[...] = tlayer.weight.detach().numpy().T
        layer.bias[...] = tlayer.bias.detach().numpy()
    return model


def random_grads(tmodel, rng) -> dict[str, np.ndarray]:
    return {n: rng.standard_normal(tuple(p.shape)).astype(np.float32) for n, p in tmodel.named_parameters()}


def torch_name(path) -> str:
    """('backbone', 'kernel') -> 'backbone.weight'."""
    return f"{path[0]}.{'weight' if path[-1] == 'kernel' else path[-1]}"


def nnx_grads(model, grads: dict[str, np.ndarray]):
    """An nnx gradient State (as nnx.grad returns) holding the torch gradients, kernels transposed."""
    import jax
    from flax import nnx

    def leaf(keypath, variable):
        path = tuple(k.key for k in keypath)
        g = grads[torch_name(path)]
        return nnx.Param(g.T if path[-1] == "kernel" else g)

    return jax.tree_util.tree_map_with_path(leaf, nnx.state(model, nnx.Param),
                                            is_leaf=lambda x: isinstance(x, nnx.Variable))


def assert_same_params(model, tmodel, rtol=1e-5, atol=1e-6, context=""):
    for name in ("backbone", "head"):
        layer, tlayer = getattr(model, name), getattr(tmodel, name)
        np.testing.assert_allclose(np.asarray(layer.kernel[...]), tlayer.weight.detach().numpy().T, rtol=rtol,
                                   atol=atol, err_msg=f"{context} {name}.weight")
        np.testing.assert_allclose(np.asarray(layer.bias[...]), tlayer.bias.detach().numpy(), rtol=rtol, atol=atol,
                                   err_msg=f"{context} {name}.bias")


def runtime_namespace(helpers, **names) -> dict:
    """A fresh namespace holding only what a translated file has: the usual imports and the pasted helpers."""
    lines = ["import jax", "import jax.numpy as jnp", "import optax", "from flax import nnx"]
    lines += helper_imports(helpers)
    ns: dict = {}
    exec("\n".join(lines) + "\n\n" + (helper_source(helpers) if helpers else ""), ns)
    ns.update(names)
    return ns


def parse_call(source: str) -> tuple[str, ast.Call]:
    """"torch.optim.SGD(model.parameters(), lr=0.1)" -> ("torch.optim.SGD", the Call)."""
    node = ast.parse(source, mode="eval").body
    return ast.unparse(node.func), node


HP = types.SimpleNamespace(lr=0.05, momentum=0.8, wd=0.01, betas=(0.85, 0.995), flag=True)
