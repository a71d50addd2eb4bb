"""A stand-in for the rules engine in the tests of `t2j_rag.rules.training`: it resolves the torch
calls of a snippet, translates them bottom-up with the training mapping functions (as the engine
will: arguments first, receiver first in `args` for methods), and runs the emitted code against
the pasted runtime helpers.

It is deliberately small and syntactic: receivers' kinds come from a `kinds` dict given by the
test ({"model": "torch.nn.Module"}), where the real engine infers them from bindings.
"""

from __future__ import annotations

import ast

from t2j_rag.apis import dotted
from t2j_rag.rules.training import checkpoints, data, random
from t2j_rag.rules.training.pasting import helper_imports, helper_source

DATA_NAMES = {"TensorDataset", "DataLoader", "random_split", "Subset", "SubsetRandomSampler", "RandomSampler",
              "WeightedRandomSampler", "SequentialSampler", "BatchSampler", "default_collate", "ConcatDataset"}
TENSOR_RANDOM_METHODS = {"uniform_", "normal_", "bernoulli_", "exponential_", "bernoulli", "multinomial"}


class FakeEngine(ast.NodeTransformer):
    """Translate every torch call the training mappings know; collect the helpers they need."""

    def __init__(self, kinds: dict[str, str] | None = None, stream: str = "rngs") -> None:
        self.kinds = kinds or {}
        self.rngs = ast.Name(stream, ast.Load())
        self.helpers: set[str] = set()

    def resolve(self, node: ast.Call) -> tuple[str | None, list[ast.expr]]:
        func = node.func
        if isinstance(func, ast.Name) and func.id in DATA_NAMES:
            return f"torch.utils.data.{func.id}", list(node.args)
        if isinstance(func, ast.Attribute) and dotted(func.value) != "torch":
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id in self.kinds:
                return f"{self.kinds[owner.id]}.{func.attr}", [owner, *node.args]
            if func.attr in TENSOR_RANDOM_METHODS:
                return f"torch.Tensor.{func.attr}", [owner, *node.args]
            if func.attr == "manual_seed":
                return "torch.Generator.manual_seed", [owner, *node.args]
        name = dotted(func)
        if name and name.startswith("torch."):
            return name, list(node.args)
        return None, list(node.args)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        api, args = self.resolve(node)
        if api is None:
            return node
        if api in random.RANDOM_APIS:
            mapped = random.translate_random_call(api, args, node.keywords, rngs=self.rngs)
        elif api in checkpoints.CHECKPOINT_APIS:
            mapped = checkpoints.translate_checkpoint_call(api, args, node.keywords)
        elif data.is_data_api(api):
            mapped = data.translate_data_call(api, args, node.keywords, rngs=self.rngs)
        else:
            return node  # torch.empty(...) receivers stay for the fill mappings to read
        self.helpers |= set(mapped.helpers)
        return mapped.expr


def translate(src: str, kinds: dict[str, str] | None = None) -> tuple[str, set[str]]:
    """The emitted source of one expression snippet and the helpers it needs."""
    engine = FakeEngine(kinds)
    tree = engine.visit(ast.parse(src, mode="eval"))
    return ast.unparse(tree.body), engine.helpers


def namespace(*helpers: str, **values) -> dict:
    """A namespace holding jax, jnp, nnx, np, the named helpers (pasted, with their imports) and values."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    from flax import nnx

    ns = {"jax": jax, "jnp": jnp, "nnx": nnx, "np": np}
    exec("\n".join(helper_imports(helpers)) + "\n\n" + helper_source(helpers), ns)
    ns.update(values)
    return ns


def run(src: str, kinds: dict[str, str] | None = None, **values):
    """Translate `src`, paste the helpers it needs, and evaluate it with `values` bound.

    run("torch.randn(2, 3)", rngs=nnx.Rngs(0)) -> a (2, 3) jax array drawn with rngs().
    """
    code, helpers = translate(src, kinds)
    return eval(code, namespace(*helpers, **values))
