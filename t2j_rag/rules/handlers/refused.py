"""APIs the engine refuses on purpose, each with the reason a user needs: outputs whose shape depends
on the data (nonzero, unique, masked_select, bincount...), random sampling without a key (bernoulli,
multinomial, normal...), and the Lazy* layers, whose sizes come from the first call.

Registering a refusal, instead of leaving the API unknown, turns "no rule or handler" into an
explanation and a note to read (rules-tensor-functions-more, rules-layers-more).

The trade-off: a refusal is final even where the user could make the call traceable (a fixed
`size=` for nonzero, an explicit key for a draw); the reason names that workaround rather than
the engine guessing a size or a key.
"""

from __future__ import annotations

from ..registry import Unsupported, register

NN = "torch.nn."


def _refuse(api: str, reason: str):
    def handler(tr, args, keywords):
        raise Unsupported(api, reason)
    return handler


_DYNAMIC = "the output shape depends on the data, which jax.jit cannot trace; use a fixed size= argument"
_RANDOM = "random sampling needs an explicit PRNG key and cannot reproduce torch's numbers"
_FUNCTION_ONLY = {"poisson", "normal", "randint_like"}  # torch.rand_like / randn_like are translated (creation)
for _name, _reason in (("nonzero", _DYNAMIC), ("argwhere", _DYNAMIC), ("masked_select", _DYNAMIC),
                       ("unique", _DYNAMIC), ("unique_consecutive", _DYNAMIC),
                       ("bincount", "the output length is max(input) + 1, which depends on the data"),
                       ("bernoulli", _RANDOM), ("multinomial", _RANDOM), ("poisson", _RANDOM), ("normal", _RANDOM),
                       ("randint_like", _RANDOM)):
    for _api in (f"torch.{_name}",) + (() if _name in _FUNCTION_ONLY else (f"torch.Tensor.{_name}",)):
        register(_api)(_refuse(_api, f"{_reason} (note rules-tensor-functions-more)"))

_LAZY = ("a Lazy layer infers its input size at the first call; give the size explicitly and use the non-lazy "
         "layer (note rules-layers-more)")
for _name in ("LazyLinear", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d",
              "LazyInstanceNorm2d", "LazyInstanceNorm3d", *(f"LazyConv{n}d" for n in (1, 2, 3)),
              *(f"LazyConvTranspose{n}d" for n in (1, 2, 3))):
    register(NN + _name)(_refuse(NN + _name, _LAZY))
