"""`t2j-rag convert-weights`: move a PyTorch checkpoint into the translated NNX module.

The translated JAX file is generated code, so the conversion runs in the
sandbox like verification does: `convert_checkpoint` (parent side) checks the
arguments and starts `convert_checkpoint_job` in a child, which builds both
modules, loads the state_dict into the PyTorch one, converts with
`weights.transfer_weights` (the JAX file's own `convert_weights`, else the
converter), and writes the NNX state as msgpack to a temporary file beside the
output, which the parent renames into place only on success. Load the result
with `t2j_rag.weights.load_converted(path, module)`.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import numpy as np

from .errors import ConversionError, InputError
from .translate import check_output_path
from .verify import find_entry, read_text_file

HANDLER = "t2j_rag.convert:convert_checkpoint_job"


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
        job = run_isolated(HANDLER, payload, Limits(timeout=timeout),
                           preload=("torch", "jax", "flax.nnx"))
        if not job.ok:
            last = job.message.strip().splitlines()[-1] if job.message.strip() else job.stage
            raise ConversionError(f"conversion failed ({job.stage}): {last}")
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return job.value


def convert_checkpoint_job(payload: dict) -> dict:
    """Sandbox handler: build both modules, load the checkpoint, convert, write the Flax state as msgpack.

    payload: torch_code, jax_code, entry, init (list), checkpoint (path), out (path to write).
    """
    import torch
    from flax import nnx, serialization

    from .loading import construct_jax, load_source
    from .weights import WeightError, transfer_weights

    tmod = load_source(payload["torch_code"], "torch")
    jmod = load_source(payload["jax_code"], "jax")
    entry, init = payload["entry"], payload.get("init")
    if init is None:
        init = list(tmod.get_init_inputs()) if hasattr(tmod, "get_init_inputs") else []
    tm = getattr(tmod, entry)(*init)
    state = torch.load(payload["checkpoint"], map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    missing, unexpected = tm.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise WeightError(f"checkpoint does not fit {entry}: missing {list(missing)[:5]}, unexpected {list(unexpected)[:5]}")
    jm = construct_jax(getattr(jmod, entry), init)
    transfer_weights(jmod, tm, jm)
    pure = nnx.state(jm).to_pure_dict()
    data = serialization.msgpack_serialize(pure)
    with open(payload["out"], "wb") as fh:
        fh.write(data)
    n = sum(int(np.prod(v.shape)) for _, v in nnx.to_flat_state(nnx.state(jm, nnx.Param)))
    return {"parameters": n, "bytes": len(data), "tensors": len(state)}
