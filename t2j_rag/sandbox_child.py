"""The child side of the sandbox: what `python -m t2j_rag.sandbox_child` does, and the protocol both sides share.

The parent (`sandbox.Worker`) starts this module with a JSON configuration as
its only argument. Before any handler or user code runs, the child confines
itself: a new network namespace when the kernel allows it, then resource limits
(address space, CPU time, no core dumps). It imports the preload modules, says
`{"ready": true, ...}` on its protocol pipe and then answers one JSON request
per line (`{"handler": "t2j_rag.module:function", "payload": {...}}`) with one
JSON reply (`{"ok": true, "value": ...}` or `{"ok": false, "stage", "message"}`).

Why the child confines itself instead of the parent doing it in a `preexec_fn`:
`preexec_fn` runs Python between fork and exec and can deadlock when the parent
has threads, which it does once torch or transformers are loaded in the
translating process; and creating a user namespace needs a single-threaded
process, which the freshly started child is. The trade-off: the limits hold
only from the child's first line on, so starting the interpreter itself is not
limited.

Only the standard library is imported here, so the parent can use the shared
constants and helpers (`HANDLER_RE`, `tail`, `looks_like_memory`) without cost.
"""

from __future__ import annotations

import faulthandler
import importlib
import json
import os
import re
import sys
import time
import traceback

MEMORY_MARKERS = (
    "MemoryError",
    "std::bad_alloc",
    "RESOURCE_EXHAUSTED",
    "Cannot allocate memory",
    "can't allocate memory",
    "out of memory",
)
MESSAGE_LINES = 8
MESSAGE_CHARS = 2000

# A job names its handler as "module:function" with the module inside the t2j_rag package.
HANDLER_RE = re.compile(r"^(t2j_rag(?:\.[A-Za-z_]\w*)*):([A-Za-z_]\w*)$")
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def tail(text: str, lines: int = MESSAGE_LINES) -> str:
    """The last non-blank `lines` lines of `text`, at most MESSAGE_CHARS characters."""
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    out = "\n".join(kept)
    return out[-MESSAGE_CHARS:]


def looks_like_memory(text: str) -> bool:
    """Whether an error text says memory ran out (Python, C++ or XLA wording)."""
    return any(marker in text for marker in MEMORY_MARKERS)


def _isolate_network() -> tuple[bool, str]:
    """Move this (single-threaded) process into a new network namespace; (done, reason)."""
    import ctypes
    import errno as errno_names

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError) as exc:
        return False, f"unshare() is not available: {exc}"
    try:
        before = os.readlink("/proc/self/ns/net")
    except OSError as exc:
        return False, f"network namespaces are not available: {exc}"
    uid, gid = os.getuid(), os.getgid()
    failures = []
    # As root a bare network namespace suffices; otherwise (or when a container forbids
    # it) a user namespace first grants the capability needed to create one.
    attempts = ((_CLONE_NEWNET, "CLONE_NEWNET"), (_CLONE_NEWUSER | _CLONE_NEWNET, "CLONE_NEWUSER|CLONE_NEWNET"))
    for flags, label in attempts:
        if flags == _CLONE_NEWNET and os.geteuid() != 0:
            continue
        if unshare(flags) != 0:
            err = ctypes.get_errno()
            failures.append(f"unshare({label}) failed: {errno_names.errorcode.get(err, err)} ({os.strerror(err)})")
            continue
        if flags & _CLONE_NEWUSER:
            # Map our own ids so files the job writes stay owned by the real user.
            try:
                with open("/proc/self/setgroups", "w") as f:
                    f.write("deny")
                with open("/proc/self/uid_map", "w") as f:
                    f.write(f"{uid} {uid} 1")
                with open("/proc/self/gid_map", "w") as f:
                    f.write(f"{gid} {gid} 1")
            except OSError as exc:
                return True, f"new user+network namespace (uid map not written: {exc})"
        if os.readlink("/proc/self/ns/net") == before:
            failures.append(f"unshare({label}) returned 0 but the namespace did not change")
            continue
        return True, f"new network namespace via unshare({label})"
    return False, "network isolation unavailable: " + "; ".join(failures)


def _apply_limits(memory_mb: int, cpu_seconds: int) -> None:
    import resource

    def lower(which: int, value: int, hard_extra: int = 0) -> None:
        _, hard = resource.getrlimit(which)
        cap = value + hard_extra
        new_hard = cap if hard == resource.RLIM_INFINITY else min(hard, cap)
        resource.setrlimit(which, (min(value, new_hard), new_hard))

    lower(resource.RLIMIT_CORE, 0)
    lower(resource.RLIMIT_AS, memory_mb * 2**20)
    # The soft limit sends SIGXCPU; the hard one, a little later, SIGKILL in case it is caught.
    lower(resource.RLIMIT_CPU, cpu_seconds, hard_extra=5)


def _job_traceback(exc: BaseException) -> str:
    """The last lines of the traceback, without the frames of this module's own plumbing."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    frames = "".join(traceback.format_tb(tb)[-3:]) if tb is not None else ""
    summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    # JAX appends a paragraph about the frames it filtered; it would push the error out of the tail.
    summary = summary.split("\n--------------------\n")[0]
    return (frames + summary)[-MESSAGE_CHARS:]


def _call(request: dict) -> dict | str:
    """Run one request; the reply as a dict, or as ready JSON text when the handler succeeded."""
    handler = request.get("handler", "")
    match = HANDLER_RE.match(handler) if isinstance(handler, str) else None
    if match is None:
        return {"ok": False, "stage": "error", "message": f"handler {handler!r} is not allowed"}
    try:
        function = getattr(importlib.import_module(match.group(1)), match.group(2))
        value = function(request.get("payload", {}))
        text = json.dumps({"ok": True, "value": value})
    except MemoryError as exc:
        return {"ok": False, "stage": "memory", "message": _job_traceback(exc)}
    except BaseException as exc:  # noqa: BLE001 - a job's sys.exit() must not end the worker loop
        message = _job_traceback(exc)
        if isinstance(exc, (TypeError, ValueError)) and "JSON serializable" in str(exc):
            message = f"handler {handler} returned a value that is not JSON-serialisable: {exc}"
        stage = "memory" if looks_like_memory(message) else "error"
        return {"ok": False, "stage": stage, "message": message}
    return text


def worker_main(argv: list[str]) -> int:
    """The child's whole life: confine itself, preload, say ready, then answer one request per line."""
    # Keep the protocol channel private: user code printing (Python or C level) to fd 1
    # lands in the stderr file, and code reading fd 0 sees /dev/null, not our requests.
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdout.reconfigure(line_buffering=True)
    # A segfault or abort in native code then leaves a Python stack in the stderr tail.
    faulthandler.enable()

    def send(message: dict | str) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        proto_out.write(text.encode() + b"\n")
        proto_out.flush()

    config = json.loads(argv[0])
    if config.get("network"):
        network, reason = False, "network allowed by Limits(network=True)"
    else:
        network, reason = _isolate_network()
    _apply_limits(int(config["memory_mb"]), int(config["cpu_seconds"]))
    started = time.monotonic()
    try:
        for name in config.get("preload", []):
            importlib.import_module(name)
    except BaseException:  # noqa: BLE001 - report any import failure to the parent
        send({"ready": False, "error": tail(traceback.format_exc())})
        return 1
    send({"ready": True, "network": network, "network_reason": reason,
          "preload_seconds": time.monotonic() - started})

    for line in proto_in:
        try:
            request = json.loads(line)
        except ValueError:
            return 2
        send(_call(request))
    return 0


if __name__ == "__main__":
    # Run as `python -m t2j_rag.sandbox_child`: let `t2j_rag.sandbox` (imported for its
    # built-in handler) share this module's constants instead of importing a second copy.
    sys.modules.setdefault("t2j_rag.sandbox_child", sys.modules[__name__])
    sys.exit(worker_main(sys.argv[1:]))
