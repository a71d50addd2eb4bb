"""Parameter-free stand-ins for torch.nn containers: nn.Identity, and nn.ParameterList /
nn.ParameterDict as nnx.List / nnx.Dict of nnx.Param.

The trade-off: the containers are built by functions rather than subclasses, so the result is a
plain Flax container that the weight converter already walks.
"""

import jax.numpy as jnp
from flax import nnx


def t2j_identity(x, *args, **kwargs):
    """nn.Identity: ignores extra arguments like PyTorch's."""
    return x


def t2j_param_container(values=None):
    """nn.ParameterList / nn.ParameterDict: every plain array becomes an nnx.Param, as PyTorch wraps each
    tensor in a Parameter; the weight converter walks nnx.List by index and nnx.Dict by key."""
    wrap = lambda v: v if isinstance(v, nnx.Variable) else nnx.Param(jnp.asarray(v))
    if isinstance(values, dict):
        return nnx.Dict({k: wrap(v) for k, v in values.items()})
    return nnx.List([wrap(v) for v in (values or [])])
