"""The one list of lint rules: every rule `lint_jax` runs, in the order `RULES` lists them.

Rules are records defined beside their checks, one module per family; this
module only lists them, so the set of rules is visible in one place and a rule
exists exactly when it is listed here. Order does not change the findings
(they are sorted by line and rule id), only the order of `RULES`.
"""

from __future__ import annotations

from . import defaults, layout, modules, mutation, randomness, torch_leftovers, traced_python
from .rule import Rule

ALL_RULES: tuple[Rule, ...] = (
    torch_leftovers.TORCH_LEFTOVER,
    torch_leftovers.TORCH_KWARGS,
    mutation.INPLACE_MUTATION,
    traced_python.TRACED_PYTHON,
    torch_leftovers.DEVICE_MOVE,
    randomness.DROPOUT_RNG,
    defaults.BATCHNORM_MOMENTUM,
    defaults.LAYERNORM_EPS,
    defaults.GELU_APPROXIMATE,
    modules.PLAIN_MODULE_LIST,
    layout.NHWC_RESHAPE,
    defaults.STD_DDOF,
)
