"""Training programs: optimizers, schedules, clipping, data, checkpoints and host-side randomness.

torch.optim optimizers, learning-rate schedulers and gradient clipping are translated to optax /
nnx.Optimizer with the same mathematics; torch.utils.data pipelines to NumPy batching helpers
(`data`), torch.save/load and state dicts to msgpack checkpoints (`checkpoints`), and random draws
outside modules to jax.random on the program's key stream (`random`).

- `optimizers.translate_optimizer`: a torch.optim constructor -> the pieces of `nnx.Optimizer(model, tx, wrt=...)`.
- `schedulers.translate_scheduler`: a torch.optim.lr_scheduler constructor -> an `LRScheduler(...)` helper call;
  `learning_rate_read` / `learning_rate_write` for `optimizer.param_groups[i]["lr"]`.
- `clipping.translate_clipping`: clip_grad_norm_ / clip_grad_value_ -> a call on the gradient pytree.
- `data.translate_data_call`, `checkpoints.translate_checkpoint_call`, `random.translate_random_call` /
  `translate_manual_seed`: the data, checkpoint and randomness mappings (`mapping.Mapped` results).
- `helpers`, `data_helpers`, `checkpoint_helpers`, `random_helpers`: the runtime helpers those translations use
  (ordinary, tested code); `pasting` gives their source and imports.

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
