"""`t2j-rag convert-weights`: move a PyTorch checkpoint into the translated NNX module.

The translated JAX file is generated code, so the conversion runs in the
sandbox like verification does: the child builds both modules, loads the
state_dict into the PyTorch one, converts with `weights.convert_module` (or the
JAX file's own `convert_weights`), and writes the NNX state as msgpack to a
temporary file beside the output, which the parent renames into place only on
success. Load the result with `t2j_rag.weights.load_converted(path, module)`.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from .errors import ConversionError, InputError
from .translate import check_output_path
from .verify import find_entry, read_text_file


def convert_checkpoint(checkpoint, torch_file, jax_file, output, entry=None, init_args=None, force=False,
                       timeout=300.0) -> dict:
    from .sandbox import Limits, run_isolated

    ckpt = Path(checkpoint)
    if not ckpt.is_file():
        raise InputError(f"{ckpt}: no such checkpoint file")
    torch_code, jax_code = read_text_file(torch_file, "PyTorch"), read_text_file(jax_file, "JAX")
    out = Path(output)
    check_output_path(out, force)
    init = None
    if init_args is not None:
        try:
            init = json.loads(init_args)
        except json.JSONDecodeError:
            raise InputError(f"--init-args must be a JSON list, got {init_args!r}") from None
        if not isinstance(init, list):
            raise InputError(f"--init-args must be a JSON list, got {init_args!r}")
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    payload = {"torch_code": torch_code, "jax_code": jax_code, "entry": find_entry(torch_code, entry), "init": init,
               "checkpoint": str(ckpt.resolve()), "out": str(tmp.resolve())}
    try:
        job = run_isolated("t2j_rag.weights:convert_checkpoint_job", payload, Limits(timeout=timeout),
                           preload=("torch", "jax", "flax.nnx"))
        if not job.ok:
            last = job.message.strip().splitlines()[-1] if job.message.strip() else job.stage
            raise ConversionError(f"conversion failed ({job.stage}): {last}")
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return job.value
