"""Run a whole program's source as `__main__` inside the sandbox worker, instrumented and capped.

Both sides of a program check go through here: the PyTorch original (to capture
what it feeds its modules) and the JAX translation (to replay that and record its
steps). `instrument` compiles the source from its AST with one decorator added to
every top-level class and function (line numbers unchanged, so tracebacks point at
the user's lines); `run_program` executes it with `__name__ == "__main__"`, its own
empty working directory, `sys.argv = [script]` (so argparse sees its defaults), its
printed output captured, and a wall-clock budget.

The trade-off: running in-process (rather than as a subprocess per program) is what
lets the capture hooks see live tensors and modules, and what lets the checks reuse
the worker's warm torch and jax; the price is that a program shares the worker's
interpreter. The cap is therefore a `StopProgram` exception (a BaseException, so the
program's own `except Exception` does not swallow it) raised from a hook or from
SIGALRM, and every patch the checks install is undone by the caller.

Example::

    code = instrument(src, "train.py", "__t2j__", classes=True, functions=True)
    outcome = run_program(code, "/tmp/job/torch/train.py", {"__t2j__": hooks}, max_seconds=60)
    outcome.status, outcome.losses     # ("capped", [1.35, 1.32])
"""

from __future__ import annotations

import ast
import io
import os
import re
import signal
import sys
import time
import traceback
import types
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field

OUTPUT_CHARS = 200_000  # printed output kept per program (head and tail)
LOSS_VALUES = 200  # printed loss values kept per program
MEMORY_MARKERS = ("MemoryError", "RESOURCE_EXHAUSTED", "bad_alloc", "Cannot allocate memory", "out of memory")
_LOSS = re.compile(r"loss[^0-9+\-.\n]*?([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)", re.IGNORECASE)


class StopProgram(BaseException):
    """Raised into a running program to end it at the cap; `reason` is "steps" or "time"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def instrument(source: str, filename: str, hooks_name: str, *, classes: bool, functions: bool,
               rewrite_calls=None) -> types.CodeType:
    """Compile `source` with `@<hooks_name>.module_class` on top-level classes and
    `@<hooks_name>.function("name")` on top-level functions (outermost decorator).

    `rewrite_calls(tree)`, when given, may transform the tree further (the JAX side
    reroutes random draws). Raises SyntaxError for a file that does not parse.
    """
    tree = ast.parse(source, filename)
    for node in tree.body:
        if classes and isinstance(node, ast.ClassDef):
            node.decorator_list.insert(0, _hook_attr(hooks_name, "module_class", node))
        elif functions and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            call = ast.Call(func=_hook_attr(hooks_name, "function", node),
                            args=[ast.Constant(node.name)], keywords=[])
            node.decorator_list.insert(0, ast.copy_location(call, node))
    if rewrite_calls is not None:
        rewrite_calls(tree)
    ast.fix_missing_locations(tree)
    return compile(tree, filename, "exec")


def _hook_attr(hooks_name: str, attr: str, where: ast.AST) -> ast.Attribute:
    node = ast.Attribute(value=ast.Name(hooks_name, ast.Load()), attr=attr, ctx=ast.Load())
    ast.copy_location(node.value, where)
    return ast.copy_location(node, where)


class _Output(io.TextIOBase):
    """A bounded text sink for a program's prints: keeps the head, the tail and every loss value."""

    def __init__(self):
        self.head: list[str] = []
        self.head_size = 0
        self.tail = ""
        self.partial = ""
        self.losses: list[float] = []

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text) -> int:
        text = str(text)
        if self.head_size < OUTPUT_CHARS // 2:
            self.head.append(text)
            self.head_size += len(text)
        else:
            self.tail = (self.tail + text)[-OUTPUT_CHARS // 2:]
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()[-1000:]
        for line in lines:
            self._scan(line)
        return len(text)

    def _scan(self, line: str) -> None:
        if len(self.losses) < LOSS_VALUES:
            match = _LOSS.search(line)
            if match:
                try:
                    self.losses.append(float(match.group(1)))
                except ValueError:
                    pass

    def text(self) -> str:
        return "".join(self.head) + self.tail

    def finish(self) -> None:
        if self.partial:
            self._scan(self.partial)
            self.partial = ""


def parse_losses(text: str) -> list[float]:
    """The first number after "loss" on each line that has one.

    >>> parse_losses("epoch 0 loss 1.25 acc 0.5\\nval_loss: 3e-1\\nno number here")
    [1.25, 0.3]
    """
    out = _Output()
    out.write(text)
    out.finish()
    return out.losses


@dataclass
class RunOutcome:
    """How one program run ended: status "ok" | "capped" | "error" | "memory" (caller may say "timeout")."""

    status: str
    seconds: float
    message: str = ""
    cap: str | None = None  # "steps" | "time" when capped
    output: str = ""
    losses: list[float] = field(default_factory=list)
    namespace: dict = field(default_factory=dict, repr=False)


def _error_summary(exc: BaseException, filename: str) -> str:
    """The exception line, plus the last line of the program's own code it passed through."""
    summary = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()
    text = summary[-1] if summary else type(exc).__name__
    where = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    if where:
        text += f" (line {where[-1].lineno}: {(where[-1].line or '').strip()[:120]})"
    return text[:2000]


def run_program(code: types.CodeType, path: str, inject: dict, max_seconds: float, on_start=None) -> RunOutcome:
    """Execute compiled `code` as `__main__` in the directory of `path` (which must exist), at most `max_seconds`.

    `on_start(namespace)` is called with the module's globals before the code runs. The
    namespace is kept in the outcome, so classes defined before a crash stay usable.
    """
    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__dict__.update(inject)
    if on_start is not None:
        on_start(module.__dict__)
    saved_main, saved_argv, saved_cwd = sys.modules.get("__main__"), sys.argv, os.getcwd()
    saved_path = list(sys.path)
    out = _Output()

    def on_alarm(signum, frame):
        raise StopProgram("time")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    sys.modules["__main__"] = module
    sys.argv = [path]
    os.chdir(os.path.dirname(path))
    status, message, cap = "ok", "", None
    start = time.perf_counter()
    try:
        signal.setitimer(signal.ITIMER_REAL, max(max_seconds, 0.001))
        with redirect_stdout(out), redirect_stderr(out):
            exec(code, module.__dict__)
    except StopProgram as stop:
        status, cap = "capped", stop.reason
        message = "stopped after the step cap" if stop.reason == "steps" else f"stopped at the {max_seconds:g} s budget"
    except SystemExit as exc:
        if exc.code not in (None, 0):
            status, message = "error", f"SystemExit: {exc.code}"
    except BaseException as exc:  # noqa: BLE001 - any failure of the program is a verdict
        message = _error_summary(exc, path)
        status = "memory" if isinstance(exc, MemoryError) or any(m in message for m in MEMORY_MARKERS) else "error"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        seconds = time.perf_counter() - start
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
        sys.argv = saved_argv
        sys.path[:] = saved_path
        os.chdir(saved_cwd)
    out.finish()
    return RunOutcome(status, seconds, message, cap, out.text(), out.losses, module.__dict__)


class TimeLimit:
    """`with TimeLimit(5): ...` raises StopProgram("time") after 5 s of wall time (main thread only)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self):
        def on_alarm(signum, frame):
            raise StopProgram("time")

        self.previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, max(self.seconds, 0.001))
        return self

    def __exit__(self, *exc_info):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        return False
