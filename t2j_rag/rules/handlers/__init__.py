"""Every module of code handlers, in one list. Importing this package fills the registry's tables
(`t2j_rag.rules.registry`), so the engine takes the tables from here, never from `registry` directly.

Modules are named after the torch concept they translate; a handler lives in the module whose name
a reader would look under, whether its API is a function, a tensor method or a layer constructor
(`F.conv2d` and `nn.Conv2d` are both in `conv`).

The trade-off: a new handler module must be added to the import line below, by hand; in exchange
this file is the whole answer to "which handlers exist", and `tests/test_rules_registry.py` fails if a
module in this folder is missing from the list.
"""

from ..registry import FUNCTION_HANDLERS, LAYER_HANDLERS, METHOD_HANDLERS
from . import (activations, arithmetic, attention, casts, containers, conv, creation, dropout, embedding, indexing,
               interpolate, losses, norms, padding, pooling, products, recurrent, reductions, refused, shapes)

MODULES = (activations, arithmetic, attention, casts, containers, conv, creation, dropout, embedding, indexing,
           interpolate, losses, norms, padding, pooling, products, recurrent, reductions, refused, shapes)

__all__ = ["FUNCTION_HANDLERS", "LAYER_HANDLERS", "METHOD_HANDLERS", "MODULES"]
