"""Run untrusted generated code in a limited child process: `Worker`, `run_isolated`, `run_code`.

A `Worker` is a persistent child (`python -m t2j_rag.sandbox_child`) that imports the
heavy libraries once and then runs jobs one at a time. A job names a handler
(`"t2j_rag.module:function"`) and a JSON payload; the child calls the handler and
sends back its JSON return value. The trade-off: keeping the child warm saves the
torch + jax import (seconds) for every case checked, at the price that one job can
leave state behind for the next; so after any job that did not end cleanly the
child is thrown away and the next job gets a fresh one.

Threat model, plainly. This contains accidents and sloppy model output, not a
determined attacker. What is limited for the worker and everything it starts:

- process: its own session and process group; on a timeout the whole group gets
  SIGKILL, so programs it spawned die with it (one that calls setsid() escapes);
- memory: RLIMIT_AS caps the address space, so a huge allocation fails inside
  the child (MemoryError, RESOURCE_EXHAUSTED) instead of swapping the machine;
- CPU: RLIMIT_CPU over the worker's life (SIGXCPU); no core dumps;
- wall time: the parent stops waiting at the deadline and kills the group;
- files: a fresh temporary directory as cwd, HOME and TMPDIR, removed afterwards.
  This is NOT a filesystem jail: the child can read and write anything the user
  running t2j-rag can;
- environment: rebuilt from an allow-list, so API keys and tokens are not passed;
  no file descriptors are inherited except the protocol pipes and stderr;
- network: a new, empty network namespace (not even loopback is up) when the
  kernel allows it (root, or unprivileged user namespaces); otherwise the network
  is open and `Worker.isolation["network_reason"]` says why.

Not isolated: the filesystem, other processes of the same user (it can signal
them), shared memory and Unix sockets in the filesystem, and anything a root user
could undo (as root the child can raise its own limits again).

This module is the parent side (`Worker`, `run_isolated`, the `Limits` a worker
gets). The child runs `python -m t2j_rag.sandbox_child`, which applies the limits
and the namespace to itself as the first thing it does, before any handler or
user code runs; that module says why it is done there and not in a `preexec_fn`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, T2JError
from .sandbox_child import HANDLER_RE, looks_like_memory, tail

STAGES = ("timeout", "memory", "crash", "error")
STARTUP_TIMEOUT = 300.0  # seconds to import the preload modules on a loaded 2-core machine
ENV_ALLOW = (
    "PATH", "LANG", "LANGUAGE", "TZ", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "XLA_FLAGS",
)
ENV_ALLOW_PREFIXES = ("LC_",)
_STDERR_NAME = "worker.stderr"


@dataclass
class Limits:
    """What one worker may use. `network=False` asks for a new network namespace."""

    timeout: float = 120.0  # wall-clock seconds per job
    memory_mb: int = 8192  # RLIMIT_AS of the worker (virtual size: torch + jax reserve ~2 GB)
    cpu_seconds: int = 600  # RLIMIT_CPU of the worker (cumulative over its life; SIGXCPU -> stage "timeout")
    network: bool = False  # False: put the worker in a new network namespace when the OS allows

    def check(self) -> None:
        if isinstance(self.timeout, bool) or not isinstance(self.timeout, (int, float)) or not self.timeout > 0:
            raise ConfigError(f"sandbox timeout must be a positive number of seconds, got {self.timeout!r}")
        for name in ("memory_mb", "cpu_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ConfigError(f"sandbox {name} must be a positive integer, got {value!r}")


@dataclass
class JobResult:
    """Outcome of one job. When `ok` is False, `stage` says how it ended."""

    ok: bool  # the handler returned normally; `value` holds what it returned
    value: Any = None  # JSON-serialisable value returned by the handler
    stage: str | None = None  # when not ok: "timeout" | "memory" | "crash" | "error"
    message: str = ""  # one short paragraph: e.g. last lines of the traceback or of the child's stderr
    seconds: float = 0.0


# ----------------------------------------------------------------------------- handlers


def run_code(payload: dict) -> Any:
    """Built-in handler: exec `payload["code"]` in a fresh namespace, return `namespace[payload["result"]]`.

    `result` defaults to "result"; a missing name gives None.
    """
    code = payload.get("code")
    if not isinstance(code, str):
        raise TypeError(f'run_code needs payload["code"] as a string, got {type(code).__name__}')
    namespace: dict[str, Any] = {"__name__": "__sandbox__"}
    exec(compile(code, "<sandbox>", "exec"), namespace)
    return namespace.get(payload.get("result", "result"))


def check_handler(handler: str) -> None:
    """Raise ValueError unless `handler` is "module:function" with the module inside `t2j_rag`.

    Only the module's existence is checked here; importing it is the child's job,
    so a heavy handler module never gets loaded into the parent.
    """
    if not isinstance(handler, str):
        raise ValueError(f"sandbox handler must be a 'module:function' string, got {type(handler).__name__}")
    match = HANDLER_RE.match(handler)
    if match is None:
        raise ValueError(f"sandbox handler {handler!r} is not 'module:function' with a module in the t2j_rag package")
    try:
        spec = importlib.util.find_spec(match.group(1))
    except ImportError:
        spec = None
    if spec is None:
        raise ValueError(f"sandbox handler {handler!r}: no module {match.group(1)!r}")


# ----------------------------------------------------------------------------- parent side


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _remove_tree(path: str) -> None:
    # The child may have left read-only directories behind; make them writable and retry
    # so a hostile or careless job cannot make us leak the temp dir.
    def retry(func, target, _exc):
        try:
            os.chmod(os.path.dirname(target), stat.S_IRWXU)
            if os.path.isdir(target) and not os.path.islink(target):
                os.chmod(target, stat.S_IRWXU)
            func(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=retry)
    if os.path.exists(path):
        shutil.rmtree(path, ignore_errors=True)


def _reap(proc: subprocess.Popen) -> tuple[int | None, float]:
    """Wait for the child and return (Popen-style return code, CPU seconds it used)."""
    if proc.returncode is not None:
        return proc.returncode, 0.0
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except ChildProcessError:
        return proc.returncode, 0.0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


def _kill_group(proc: subprocess.Popen) -> None:
    # Signal the group before reaping the leader: while the leader is unreaped its pid
    # (and so the group id) cannot be reused by an unrelated process.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _dispose(proc: subprocess.Popen, tmpdir: str) -> None:
    """Kill the child's process group, reap it, close pipes, remove its temp dir. Idempotent."""
    _kill_group(proc)
    _reap(proc)
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass
    _remove_tree(tmpdir)


def _cpu_seconds_used(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # After the ")" that ends the command name: state is field 0, utime 11, stime 12.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _address_space_mb(pid: int) -> float:
    """The child's current virtual size (VmSize), which is what RLIMIT_AS caps."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _package_root() -> str:
    return str(Path(__file__).resolve().parent.parent)


def _child_env(tmpdir: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ENV_ALLOW or key.startswith(ENV_ALLOW_PREFIXES)
    }
    env.setdefault("PATH", os.defpath)
    tmp = os.path.join(tmpdir, "tmp")
    env.update(
        HOME=tmpdir,
        TMPDIR=tmp,
        PYTHONPATH=_package_root(),
        # HOME moves to the temp dir; keep `pip install --user` packages importable.
        PYTHONUSERBASE=_user_base(),
        # Do not put the cwd (writable by the job) in front of sys.path.
        PYTHONSAFEPATH="1",
        PYTHONDONTWRITEBYTECODE="1",
        JAX_PLATFORMS="cpu",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    return env


def _user_base() -> str:
    import site

    return site.getuserbase()


class _Child:
    """One started worker process with its temp dir and the read buffer of its result pipe."""

    def __init__(self, limits: Limits, preload: tuple[str, ...]):
        self.tmpdir = tempfile.mkdtemp(prefix="t2j-sandbox-")
        try:
            os.mkdir(os.path.join(self.tmpdir, "tmp"))
            self.stderr_path = os.path.join(self.tmpdir, _STDERR_NAME)
            config = {
                "memory_mb": limits.memory_mb,
                "cpu_seconds": limits.cpu_seconds,
                "network": limits.network,
                "preload": list(preload),
            }
            env = _child_env(self.tmpdir)
            with open(self.stderr_path, "wb") as err:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "t2j_rag.sandbox_child", json.dumps(config)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=err,
                    cwd=self.tmpdir,
                    env=env,
                    close_fds=True,
                    start_new_session=True,
                )
        except BaseException:
            _remove_tree(self.tmpdir)
            raise
        self.env_keys = sorted(env)
        self.finalizer = weakref.finalize(self, _dispose, self.proc, self.tmpdir)
        self.buffer = b""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def send(self, message: dict) -> bool:
        """Write one JSON line; False when the child has gone away."""
        try:
            self.proc.stdin.write(json.dumps(message).encode() + b"\n")
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def receive(self, deadline: float) -> dict | str:
        """The next JSON line, or "timeout" at the deadline, or "eof" when the child exited."""
        fd = self.proc.stdout.fileno()
        # poll, not select: select fails on descriptors above 1023, which a parent that
        # has loaded torch, faiss and a model may well be handing out.
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            if not poller.poll(max(1, int(left * 1000) + 1)):
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return "eof"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            # Only our own loop writes to this pipe; garbage means the child is broken.
            return "eof"

    def stderr_since(self, offset: int, limit: int = 16384) -> str:
        try:
            with open(self.stderr_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                end = f.tell()
                f.seek(max(offset, end - limit))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stderr_size(self) -> int:
        try:
            return os.path.getsize(self.stderr_path)
        except OSError:
            return 0

    def died(self, limits: Limits, since: int) -> tuple[str, str]:
        """Reap a child that closed its pipe and classify why: (stage, message)."""
        _kill_group(self.proc)
        code, cpu = _reap(self.proc)
        err = self.stderr_since(since)
        if code == -signal.SIGXCPU or (code == -signal.SIGKILL and cpu >= limits.cpu_seconds - 0.5):
            return "timeout", f"worker exceeded its CPU-time limit of {limits.cpu_seconds} s ({_signal_name(-code)})"
        if looks_like_memory(err):
            return "memory", f"worker ran out of memory (limit {limits.memory_mb} MB):\n{tail(err)}"
        how = f"killed by {_signal_name(-code)}" if code is not None and code < 0 else f"exited with code {code}"
        last = tail(err)
        return "crash", f"worker {how}" + (f":\n{last}" if last else " (no stderr output)")

    def dispose(self) -> None:
        self.finalizer()


class Worker:
    """A persistent sandboxed child process that runs jobs one at a time.

    Not thread-safe: one caller at a time. The child is started in the constructor
    (a failure to start raises `T2JError`) and replaced, transparently for the
    caller, after any job that did not end with `ok=True`.

    Attributes: `isolation` (what was applied to the current child: "network" is
    True when it runs in its own network namespace, "network_reason" says why or
    why not, plus the limits and the allowed environment variable names),
    `restarts` (replacement children started), `jobs` (jobs run), `pid`.
    """

    startup_timeout = STARTUP_TIMEOUT

    def __init__(self, limits: Limits = Limits(), preload: tuple[str, ...] = ("torch", "jax", "flax.nnx")):
        limits.check()
        self.limits = limits
        self.preload = tuple(preload)
        self.isolation: dict[str, Any] = {}
        self.restarts = 0
        self.jobs = 0
        self._child: _Child | None = None
        self._closed = False
        failure = self._start()
        if failure is not None:
            last_line = failure[1].splitlines()[-1] if failure[1] else failure[0]
            raise T2JError(f"sandbox worker failed to start: {last_line}")

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def _start(self) -> tuple[str, str] | None:
        """Start a child and wait until it reports ready; (stage, message) on failure."""
        child = _Child(self.limits, self.preload)
        reply = child.receive(time.monotonic() + self.startup_timeout)
        if reply == "timeout":
            child.dispose()
            return "timeout", f"worker did not start within {self.startup_timeout:.0f} s"
        if reply == "eof":
            stage, message = child.died(self.limits, 0)
            child.dispose()
            return stage, message
        if not reply.get("ready"):
            child.dispose()
            error = str(reply.get("error", "unknown error"))
            return ("memory" if looks_like_memory(error) else "crash"), error
        self._child = child
        self.isolation = {
            "network": bool(reply.get("network")),
            "network_reason": str(reply.get("network_reason", "")),
            "memory_mb": self.limits.memory_mb,
            "cpu_seconds": self.limits.cpu_seconds,
            "core_dumps": False,
            "process_group": True,
            "temp_cwd": child.tmpdir,
            "env": child.env_keys,
            "close_fds": True,
            "preload": list(self.preload),
            "preload_seconds": float(reply.get("preload_seconds", 0.0)),
        }
        return None

    def _discard(self) -> None:
        if self._child is not None:
            self._child.dispose()
            self._child = None

    def run(self, handler: str, payload: dict, timeout: float | None = None) -> JobResult:
        """Run `handler(payload)` in the child and wait at most `timeout` (default `limits.timeout`) seconds."""
        check_handler(handler)
        if not isinstance(payload, dict):
            raise ValueError(f"sandbox payload must be a dict, got {type(payload).__name__}")
        try:
            json.dumps(payload)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"sandbox payload is not JSON-serialisable: {exc}") from None
        if self._closed:
            raise ValueError("this sandbox Worker is closed")
        wait = self.limits.timeout if timeout is None else timeout
        if not wait > 0:
            raise ValueError(f"sandbox timeout must be positive, got {wait!r}")

        started = time.monotonic()
        # RLIMIT_CPU counts the worker's whole life; recycle a worker that has used half
        # its budget so that no job fails for CPU its predecessors spent.
        # Likewise memory: each job leaves compiled code and caches behind, so a worker that
        # has grown past 60% of its address-space limit is replaced before it runs out.
        if self._child is not None and (_cpu_seconds_used(self._child.pid) > self.limits.cpu_seconds / 2
                                        or _address_space_mb(self._child.pid) > 0.6 * self.limits.memory_mb):
            self._discard()
        if self._child is None:
            failure = self._start()
            if failure is not None:
                self.jobs += 1
                return JobResult(False, stage=failure[0], message="worker failed to start: " + failure[1],
                                 seconds=time.monotonic() - started)
            self.restarts += 1
        child = self._child
        self.jobs += 1
        since = child.stderr_size()
        job_started = time.monotonic()
        if child.send({"handler": handler, "payload": payload}):
            reply = child.receive(job_started + wait)
        else:
            reply = "eof"
        seconds = time.monotonic() - job_started

        if reply == "timeout":
            self._discard()
            return JobResult(False, stage="timeout", seconds=seconds,
                             message=f"job exceeded the {wait:g} s wall-clock timeout; worker process group killed")
        if reply == "eof":
            stage, message = child.died(self.limits, since)
            self._discard()
            return JobResult(False, stage=stage, message=message, seconds=seconds)
        if reply.get("ok"):
            return JobResult(True, value=reply.get("value"), seconds=seconds)
        self._discard()
        stage = reply.get("stage") if reply.get("stage") in STAGES else "error"
        return JobResult(False, stage=stage, message=str(reply.get("message", "")), seconds=seconds)

    def recycle(self) -> None:
        """Throw the current child away; the next job starts a fresh one (after a job that may have left state)."""
        self._discard()

    def close(self) -> None:
        """Kill the child (and its process group) and remove its temp dir. Safe to call twice."""
        self._closed = True
        self._discard()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def run_isolated(handler: str, payload: dict, limits: Limits = Limits(), preload=()) -> JobResult:
    """Run one job in a fresh worker and close it. A worker that cannot start gives a not-ok result."""
    check_handler(handler)
    limits.check()
    try:
        worker = Worker(limits, tuple(preload))
    except T2JError as exc:
        return JobResult(False, stage="crash", message=str(exc))
    with worker:
        return worker.run(handler, payload)
