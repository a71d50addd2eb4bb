"""Training programs: torch.optim optimizers, learning-rate schedulers and gradient clipping, translated to
optax / nnx.Optimizer with the same mathematics.

- `optimizers.translate_optimizer`: a torch.optim constructor -> the pieces of `nnx.Optimizer(model, tx, wrt=...)`.
- `schedulers.translate_scheduler`: a torch.optim.lr_scheduler constructor -> an `LRScheduler(...)` helper call;
  `learning_rate_read` / `learning_rate_write` for `optimizer.param_groups[i]["lr"]`.
- `clipping.translate_clipping`: clip_grad_norm_ / clip_grad_value_ -> a call on the gradient pytree.
- `helpers`: the runtime helpers those translations use (ordinary, tested code); `pasting` gives their source
  and imports.

The trade-off: every mapping is exact (checked step by step against PyTorch in the tests) or raises
`Unsupported(construct, reason)`; nothing approximate is emitted. Translation itself imports neither jax
nor optax.
"""

from .clipping import ClippingTranslation, translate_clipping
from .optimizers import OptimizerTranslation, translate_optimizer
from .pasting import helper_imports, helper_source
from .schedulers import SchedulerTranslation, learning_rate_read, learning_rate_write, translate_scheduler

__all__ = ["ClippingTranslation", "OptimizerTranslation", "SchedulerTranslation", "helper_imports",
           "helper_source", "learning_rate_read", "learning_rate_write", "translate_clipping",
           "translate_optimizer", "translate_scheduler"]
