"""The runtime helpers: ordinary Flax NNX / jax.numpy code that the rules engine pastes into a
translation when a unit needs it (`ConvNCHW`, `t2j_pool`, `t2j_cross_entropy`...).

Each module below is importable and tested like any other module; the engine never imports
them (that would load jax): `t2j_rag.rules.paste` reads their source with `ast` and pastes the
definitions a translation uses. What the engine relies on:

- A helper is a top-level `def`, `class` or assignment, together with the comment lines directly
  above it; statements on adjacent lines (no blank line between them) are one helper.
- A helper's dependencies are computed from the names it uses: another helper of the same module,
  or one imported with `from .other import name`, is pasted before it; a module it uses that is
  not in every translation's header (`jax`, `jnp`, `nnx`) has its import line pasted with it.
- Helper names are unique across these modules, so a handler or a data rule (`jax = "t2j_..."`)
  names a helper without saying where it lives.

Adding a helper: write it in the module of its concept (a new module goes in MODULES), use it
from a handler with `need(tr, "t2j_name")`, and test it against PyTorch by importing it.

The trade-off: the pasted text is the source as written, docstrings and comments included, so a
helper is formatted for the reader of the translated file; in exchange no helper may depend on
module state other than imports and other helpers.
"""

MODULES = ("shapes", "conv", "pooling", "norms", "activations", "dropout", "interpolate", "products",
           "embedding", "containers", "tensor", "attention", "recurrent", "losses", "distances")
