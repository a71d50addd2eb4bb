"""Verify a translation by running both programs in the sandbox and comparing them.

`verify_code` picks the entry to compare (statically, without running anything
in this process), lints the JAX code, and sends the comparison to a sandboxed
worker (`sandbox.Worker`), which runs `equivalence.run_job`. Passing a
`Worker` in lets a batch of checks share one warm child process; the worker
replaces its child by itself after any failure that may have poisoned it.

Example::

    report = verify_files("model.py", "model_jax.py", VerifyOptions(grad=True))
    report.passed, report.stage, report.max_abs_err, [f.rule for f in report.findings]
"""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path

from .errors import InputError
from .verdict import VerifyOptions, VerifyReport  # noqa: F401 - the verifier's records, re-exported

HARNESS = ("get_inputs", "get_init_inputs")
HANDLER = "t2j_rag.equivalence:run_job"
SPEC_MARKER = "# t2j-rag inputs: "


def spec_header(spec: dict) -> str:
    """The comment line `translate --verify --inputs` puts atop its output, so `verify` finds the spec later."""
    return SPEC_MARKER + json.dumps(spec, separators=(",", ":")) + "\n"


def recorded_spec(jax_code: str) -> dict | None:
    """The input spec recorded in a translated file by `spec_header`, if any."""
    for line in jax_code.splitlines()[:20]:
        if line.startswith(SPEC_MARKER):
            try:
                spec = json.loads(line[len(SPEC_MARKER):])
            except json.JSONDecodeError:
                return None
            return spec if isinstance(spec, dict) else None
    return None


def _top_level(tree: ast.Module) -> tuple[list[ast.ClassDef], list[ast.FunctionDef]]:
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    funcs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name not in HARNESS]
    return classes, funcs


def _is_module_class(node: ast.ClassDef) -> bool:
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name == "Module":
            return True
    return False


def _unreferenced(candidates: list, tree: ast.Module) -> list:
    """Candidates no other top-level definition refers to: the outermost ones."""
    names = {c.name for c in candidates}
    used: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name not in HARNESS:
            used |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in names and n.id != node.name}
    return [c for c in candidates if c.name not in used]


def has_inputs(torch_code: str) -> bool:
    tree = ast.parse(torch_code)
    return any(isinstance(n, ast.FunctionDef) and n.name == "get_inputs" for n in tree.body)


def find_entry(torch_code: str, entry: str | None = None) -> str:
    """The name to compare: `entry`, else `Model`, else the single outermost nn.Module, else function.

    >>> find_entry("import torch.nn as nn\\nclass Block(nn.Module): pass\\nclass Net(nn.Module):\\n    b = Block\\n")
    'Net'
    """
    tree = ast.parse(torch_code)
    classes, funcs = _top_level(tree)
    names = {n.name for n in classes + funcs}
    if entry:
        if entry not in names:
            raise InputError(f"the PyTorch file defines no class or function named {entry!r}")
        return entry
    if "Model" in names:
        return "Model"
    for group in ([c for c in classes if _is_module_class(c)], funcs):
        if not group:
            continue
        outer = _unreferenced(group, tree)
        if len(outer) == 1:
            return outer[0].name
        raise InputError(f"several candidates to compare ({', '.join(c.name for c in outer or group)}); pass --entry NAME")
    raise InputError("the PyTorch file defines no nn.Module class or function to compare")


def load_spec(path: str | Path) -> dict:
    try:
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a JSON input spec ({exc})") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("inputs", []), list):
        raise InputError(f"{path}: an input spec is an object with a list 'inputs' (and optionally 'init')")
    return spec


def read_text_file(path: str | Path, what: str) -> str:
    """The text of a file the user named, or a one-line InputError."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a {what} file")
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text") from None


def _job_stage(stage: str | None) -> str:
    return {"timeout": "timeout", "memory": "memory"}.get(stage or "", "runtime")


def verify_code(torch_code: str, jax_code: str, opts: VerifyOptions | None = None, worker=None) -> VerifyReport:
    """Lint, then compare in the sandbox. Raises InputError only for problems of the PyTorch side or options."""
    from .lint import lint_jax
    from .sandbox import Limits, Worker

    opts = opts or VerifyOptions()
    start = time.perf_counter()
    try:
        ast.parse(torch_code)
    except SyntaxError as exc:
        raise InputError(f"the PyTorch file has a syntax error at line {exc.lineno}: {exc.msg}") from None
    spec = opts.spec
    if spec is None and not has_inputs(torch_code):
        spec = recorded_spec(jax_code)
        if spec is None and opts.entry is None:
            # No inputs written down: run the original, capture what it feeds its modules, check them all.
            from .program_check import verify_program

            return verify_program(torch_code, jax_code, opts, worker)
        if spec is None:
            raise InputError("no inputs known: the PyTorch file defines no get_inputs(); pass --inputs SPEC.json")
    entry = find_entry(torch_code, opts.entry)
    findings = lint_jax(jax_code, torch_code)
    try:
        ast.parse(jax_code)
    except SyntaxError as exc:
        return VerifyReport(False, "parse", message=f"SyntaxError: {exc.msg} (line {exc.lineno})", entry=entry,
                            findings=findings, seconds=time.perf_counter() - start)
    payload = {"torch_code": torch_code, "jax_code": jax_code, "entry": entry, "rtol": opts.rtol, "atol": opts.atol,
               "seed": opts.seed, "train": opts.train, "grad": opts.grad, "spec": spec}
    own = worker is None
    if own:
        worker = Worker(Limits(timeout=opts.timeout, memory_mb=opts.memory_mb))
    try:
        job = worker.run(HANDLER, payload, timeout=opts.timeout)
    finally:
        if own:
            worker.close()
    seconds = time.perf_counter() - start
    if not job.ok:
        return VerifyReport(False, _job_stage(job.stage), message=job.message, entry=entry, findings=findings,
                            seconds=seconds)
    v = job.value
    if not v["passed"] and not own:
        worker.recycle()  # the failing code ran in this child: do not let it affect the next job
    return VerifyReport(**v, entry=entry, findings=findings, seconds=seconds)


def verify_files(torch_path: str | Path, jax_path: str | Path, opts: VerifyOptions | None = None, worker=None) -> VerifyReport:
    return verify_code(read_text_file(torch_path, "PyTorch"), read_text_file(jax_path, "JAX"), opts, worker)
