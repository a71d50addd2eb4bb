"""What the PyTorch source shows about defaults the JAX translation must reproduce.

The rules that compare against PyTorch (BatchNorm momentum, norm epsilon,
GELU flavour, std/var correction) need to know what the original used; this
module reads that from the PyTorch code once per lint run. The trade-off: it
only reads literals (`eps=1e-3`), so a value given as an expression becomes
`UNKNOWN`, and the rules then stay silent rather than guess.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..aliases import imported_names
from .syntax import arg, canonical, kw, number

UNKNOWN = object()  # a value given as an expression we cannot evaluate

TORCH_NORMS = {
    # class name -> (flax class, positional index of eps, torch default eps)
    "LayerNorm": ("flax.nnx.LayerNorm", 1, 1e-5),
    "BatchNorm1d": ("flax.nnx.BatchNorm", 1, 1e-5),
    "BatchNorm2d": ("flax.nnx.BatchNorm", 1, 1e-5),
    "BatchNorm3d": ("flax.nnx.BatchNorm", 1, 1e-5),
    "SyncBatchNorm": ("flax.nnx.BatchNorm", 1, 1e-5),
    "GroupNorm": ("flax.nnx.GroupNorm", 2, 1e-5),
    # torch's RMSNorm eps=None means finfo(float32).eps.
    "RMSNorm": ("flax.nnx.RMSNorm", 1, 1.1920928955078125e-07),
}


@dataclass
class TorchFacts:
    """What the PyTorch source shows about defaults the JAX side must reproduce."""

    bn_momenta: list = field(default_factory=list)  # numbers, None (cumulative average) or UNKNOWN
    eps: dict = field(default_factory=dict)  # flax class -> list of eps values (or UNKNOWN)
    gelu_exact: bool = False
    gelu_tanh: bool = False
    std_unbiased: int = 0
    std_biased: int = 0

    @classmethod
    def from_source(cls, source: str | None) -> TorchFacts:
        facts = cls()
        if source is None:
            return facts
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return facts  # the PyTorch side is only context here; the verifier reports its errors
        aliases = imported_names(tree, {"torch": "torch"})
        parents = {c: p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Name, ast.Attribute)):
                facts._note_gelu(node, canonical(node, aliases), parents)
            if isinstance(node, ast.Call):
                facts._note_call(node, canonical(node.func, aliases))
        return facts

    def _note_gelu(self, node: ast.AST, name: str, parents: dict) -> None:
        if name not in ("torch.nn.GELU", "torch.nn.functional.gelu"):
            return
        parent = parents.get(node)
        if isinstance(parent, ast.Call) and parent.func is node:
            approx = kw(parent, "approximate")
            tanh = approx is not None and isinstance(approx.value, ast.Constant) and approx.value.value == "tanh"
        else:
            tanh = False  # passed as a function: the exact default
        self.gelu_tanh |= tanh
        self.gelu_exact |= not tanh

    def _note_call(self, node: ast.Call, name: str) -> None:
        last = name.rsplit(".", 1)[-1]
        if name.startswith("torch.") and last in TORCH_NORMS:
            self._note_norm(node, *TORCH_NORMS[last])
        is_std = name in ("torch.std", "torch.var", "torch.std_mean", "torch.var_mean") or (
            isinstance(node.func, ast.Attribute) and node.func.attr in ("std", "var")
            and not name.startswith(("torch.", "numpy.", "jax."))
        )
        if is_std:
            if _biased_torch_std(node):
                self.std_biased += 1
            else:
                self.std_unbiased += 1

    def _note_norm(self, node: ast.Call, flax_cls: str, eps_index: int, eps_default: float) -> None:
        eps_node = arg(node, eps_index, "eps")
        if eps_node is None or (isinstance(eps_node, ast.Constant) and eps_node.value is None):
            eps = eps_default
        else:
            eps = number(eps_node)
            eps = UNKNOWN if eps is None else eps
        self.eps.setdefault(flax_cls, []).append(eps)
        if flax_cls != "flax.nnx.BatchNorm":
            return
        trs = kw(node, "track_running_stats")
        if trs is not None and isinstance(trs.value, ast.Constant) and trs.value.value is False:
            self.bn_momenta.append(UNKNOWN)  # unused momentum: we cannot tell which flax layer it is
            return
        m_node = arg(node, 2, "momentum")
        if m_node is None:
            self.bn_momenta.append(0.1)
        elif isinstance(m_node, ast.Constant) and m_node.value is None:
            self.bn_momenta.append(None)
        else:
            m = number(m_node)
            self.bn_momenta.append(UNKNOWN if m is None else m)


def _biased_torch_std(call: ast.Call) -> bool:
    for k in call.keywords:
        if k.arg == "unbiased" and isinstance(k.value, ast.Constant) and k.value.value is False:
            return True
        if k.arg == "correction" and number(k.value) == 0:
            return True
    # old positional form: x.std(dim, False) / torch.std(x, dim, False)
    return any(isinstance(a, ast.Constant) and a.value is False for a in call.args)
