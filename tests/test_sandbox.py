"""Tests for t2j_rag.sandbox with real child processes; every test is bounded in time."""

import os
import socket
import time

import pytest

from t2j_rag.errors import ConfigError
from t2j_rag.sandbox import JobResult, Limits, Worker, run_isolated

RUN_CODE = "t2j_rag.sandbox:run_code"
QUICK = Limits(timeout=30.0, memory_mb=2048, cpu_seconds=60)


def _gone(pid: int, wait: float = 5.0) -> bool:
    """True once `pid` no longer exists or is a zombie (dead, waiting for an unrelated reaper)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


@pytest.fixture
def worker():
    with Worker(QUICK, preload=()) as w:
        yield w


def test_job_returns_value(worker):
    r = worker.run(RUN_CODE, {"code": "answer = [1, 2.5, 'x', {'k': None}]", "result": "answer"})
    assert isinstance(r, JobResult)
    assert r.ok and r.stage is None
    assert r.value == [1, 2.5, "x", {"k": None}]
    assert worker.run(RUN_CODE, {"code": "x = 1"}).value is None  # no `result` defined


def test_jobs_share_one_warm_worker():
    with Worker(QUICK, preload=("numpy",)) as w:
        pid = w.pid
        code = "import sys, os\nresult = ['numpy' in sys.modules, os.getpid()]"
        first = w.run(RUN_CODE, {"code": code})
        second = w.run(RUN_CODE, {"code": code})
        # The preload happened at start-up, before any job imported numpy.
        assert first.value == [True, pid]
        assert second.value == [True, pid]
        assert (w.jobs, w.restarts, w.pid) == (2, 0, pid)
        assert w.isolation["preload"] == ["numpy"]


def test_infinite_loop_times_out_and_kills_the_process_group(worker, tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    code = (
        "import subprocess\n"
        "p = subprocess.Popen(['sleep', '1000'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "while True:\n    pass\n"
    )
    old_pid, old_dir = worker.pid, worker.isolation["temp_cwd"]
    started = time.monotonic()
    r = worker.run(RUN_CODE, {"code": code}, timeout=2.0)
    assert time.monotonic() - started < 2.0 + 10
    assert not r.ok and r.stage == "timeout"
    assert "timeout" in r.message
    grandchild = int(pid_file.read_text())
    assert _gone(grandchild), "the job's grandchild survived the timeout"
    assert _gone(old_pid)
    assert not os.path.exists(old_dir)

    after = worker.run(RUN_CODE, {"code": "result = 7"})
    assert after.ok and after.value == 7
    assert worker.restarts == 1 and worker.pid != old_pid


def test_memory_bombs_end_as_memory_and_the_worker_recovers():
    with Worker(Limits(timeout=60.0, memory_mb=1024, cpu_seconds=60), preload=("numpy",)) as w:
        r = w.run(RUN_CODE, {"code": "b = bytearray(10**11)"})
        assert not r.ok and r.stage == "memory", r
        assert "MemoryError" in r.message
        r = w.run(RUN_CODE, {"code": "import numpy as np\na = np.ones((10**10,))"})
        assert not r.ok and r.stage == "memory", r
        # 2.4 GB of untouched zeros: fine for the OS without a limit, refused under 1024 MB.
        r = w.run(RUN_CODE, {"code": "import numpy as np\na = np.zeros((300 * 2**20,))"})
        assert not r.ok and r.stage == "memory", r
        assert w.isolation["memory_mb"] == 1024
        ok = w.run(RUN_CODE, {"code": "import numpy as np\nresult = float(np.ones(1000).sum())"})
        assert ok.ok and ok.value == 1000.0
        assert w.restarts == 3


@pytest.mark.parametrize(
    "code, signal_name",
    [("import os\nos.abort()", "SIGABRT"), ("import os\nos.kill(os.getpid(), 9)", "SIGKILL")],
)
def test_crash_is_reported_and_the_next_job_works(worker, code, signal_name):
    old_pid = worker.pid
    r = worker.run(RUN_CODE, {"code": code})
    assert not r.ok and r.stage == "crash"
    assert signal_name in r.message
    assert _gone(old_pid)
    nxt = worker.run(RUN_CODE, {"code": "result = 'alive'"})
    assert nxt.ok and nxt.value == "alive"
    assert worker.pid != old_pid


@pytest.mark.slow
def test_cpu_hog_hits_the_cpu_limit():
    r = run_isolated(RUN_CODE, {"code": "while True:\n    pass\n"}, Limits(timeout=60.0, cpu_seconds=2))
    assert not r.ok and r.stage == "timeout"
    assert "CPU" in r.message
    assert r.seconds < 60.0


def test_handler_exception_is_an_error_with_its_text(worker):
    code = "def inner():\n    raise ValueError('shape (3, 4) does not match (4, 3)')\ninner()\n"
    r = worker.run(RUN_CODE, {"code": code})
    assert not r.ok and r.stage == "error"
    assert "ValueError: shape (3, 4) does not match (4, 3)" in r.message
    assert "inner" in r.message  # the user's frames are kept


def test_exit_and_unserialisable_results_are_errors(worker):
    r = worker.run(RUN_CODE, {"code": "import sys\nsys.exit(3)"})
    assert not r.ok and r.stage == "error" and "SystemExit" in r.message
    r = worker.run(RUN_CODE, {"code": "result = object()"})
    assert not r.ok and r.stage == "error" and "JSON" in r.message
    assert worker.run(RUN_CODE, {"code": "result = 1"}).value == 1


def test_prints_do_not_corrupt_the_result(worker):
    code = (
        "import os, sys\n"
        "print('{\"ok\": false, \"stage\": \"crash\"}')\n"
        "os.write(1, b'{\"ready\": true}\\n' * 20000)\n"  # far more than a pipe buffer holds
        "sys.stdout.write('no newline at the end')\n"
        "sys.stderr.write('to stderr\\n')\n"
        "result = {'fine': True}\n"
    )
    r = worker.run(RUN_CODE, {"code": code})
    assert r.ok and r.value == {"fine": True}
    again = worker.run(RUN_CODE, {"code": "print('x')\nresult = 2"})
    assert again.ok and again.value == 2 and worker.restarts == 0


def test_environment_is_scrubbed_and_cwd_is_a_fresh_temp_dir(monkeypatch):
    monkeypatch.setenv("T2J_TEST_SECRET", "hunter2")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-children")
    w = Worker(QUICK, preload=())
    try:
        code = "import os\nresult = {'env': dict(os.environ), 'cwd': os.getcwd(), 'files': os.listdir('.')}"
        r = w.run(RUN_CODE, {"code": code})
        assert r.ok
        env, cwd = r.value["env"], r.value["cwd"]
        assert "T2J_TEST_SECRET" not in env and "OPENAI_API_KEY" not in env
        assert os.path.realpath(cwd) == os.path.realpath(w.isolation["temp_cwd"])
        assert os.path.realpath(env["HOME"]) == os.path.realpath(cwd)
        assert env["TMPDIR"].startswith(env["HOME"])
        assert env["JAX_PLATFORMS"] == "cpu" and env["HF_HUB_OFFLINE"] == "1"
        assert set(env) <= set(w.isolation["env"])
        assert sorted(r.value["files"]) == ["tmp", "worker.stderr"]
        temp_dir = w.isolation["temp_cwd"]
        assert os.path.isdir(temp_dir)
    finally:
        w.close()
    assert not os.path.exists(temp_dir)
    w.close()  # closing twice is harmless
    with pytest.raises(ValueError, match="closed"):
        w.run(RUN_CODE, {"code": "result = 1"})


def test_no_parent_file_descriptor_leaks_into_the_child(tmp_path):
    leak_path = tmp_path / "parent-only.txt"
    fd = os.open(leak_path, os.O_WRONLY | os.O_CREAT)
    os.set_inheritable(fd, True)  # would be inherited without close_fds
    try:
        with Worker(QUICK, preload=()) as w:
            code = (
                "import os\n"
                "result = {}\n"
                "for name in os.listdir('/proc/self/fd'):\n"
                "    try:\n"
                "        result[name] = os.readlink('/proc/self/fd/' + name)\n"
                "    except OSError:\n"
                "        pass\n"  # the directory handle listdir used, already closed
            )
            r = w.run(RUN_CODE, {"code": code})
            stderr_file = os.path.join(w.isolation["temp_cwd"], "worker.stderr")
    finally:
        os.close(fd)
    assert r.ok
    fds = {int(k): v for k, v in r.value.items() if not v.startswith("/proc/")}
    assert str(leak_path) not in fds.values()
    assert fds[0] == "/dev/null"
    assert os.path.realpath(fds[1]) == os.path.realpath(stderr_file) == os.path.realpath(fds[2])
    # Besides 0-2, only the two private protocol pipes.
    extra = {k: v for k, v in fds.items() if k > 2}
    assert len(extra) == 2 and all(v.startswith("pipe:") for v in extra.values()), fds


def test_network_namespace_blocks_loopback():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = server.getsockname()[1]
    code = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
        "    result = 'connected'\n"
        "except OSError as exc:\n"
        "    result = 'refused: ' + repr(exc)\n"
    )
    try:
        with Worker(QUICK, preload=()) as w:
            if not w.isolation["network"]:
                pytest.skip(w.isolation["network_reason"])
            blocked = w.run(RUN_CODE, {"code": code})
        # The control: the same job with the network allowed does reach the socket.
        with Worker(Limits(timeout=30.0, network=True), preload=()) as open_w:
            assert open_w.isolation["network"] is False
            reached = open_w.run(RUN_CODE, {"code": code})
    finally:
        server.close()
    assert blocked.ok and blocked.value.startswith("refused"), blocked
    assert reached.ok and reached.value == "connected", reached


@pytest.mark.parametrize(
    "handler",
    [
        "os:system",
        "subprocess:run",
        "t2j_rag_evil.mod:f",
        "t2j_rag.sandbox",
        "t2j_rag.sandbox:",
        "t2j_rag.sandbox:run code",
        "t2j_rag.no_such_module:f",
        "t2j_rag.no_such.mod:f",
    ],
)
def test_handlers_outside_the_package_are_refused(handler):
    with pytest.raises(ValueError):
        run_isolated(handler, {})


def test_bad_payloads_and_limits_are_refused(worker):
    with pytest.raises(ValueError, match="dict"):
        worker.run(RUN_CODE, ["not", "a", "dict"])
    with pytest.raises(ValueError, match="JSON"):
        worker.run(RUN_CODE, {"code": object()})
    assert worker.jobs == 0
    with pytest.raises(ConfigError, match="memory_mb"):
        Worker(Limits(memory_mb=0), preload=())
    with pytest.raises(ConfigError, match="timeout"):
        run_isolated(RUN_CODE, {"code": ""}, Limits(timeout=-1))


def test_run_isolated_uses_a_fresh_worker_and_cleans_up():
    r = run_isolated(RUN_CODE, {"code": "import os\nresult = os.getcwd()"}, QUICK)
    assert r.ok
    assert os.path.basename(r.value).startswith("t2j-sandbox-")
    assert not os.path.exists(r.value)


def test_preload_failure_is_reported():
    from t2j_rag.errors import T2JError

    with pytest.raises(T2JError, match="no_such_module_xyz"):
        Worker(QUICK, preload=("no_such_module_xyz",))
