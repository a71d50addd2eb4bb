"""Running a program's source as __main__: instrumentation, statuses, the cap, what the program sees."""

import os
import sys
import textwrap

import pytest

from t2j_rag.program_exec import StopProgram, TimeLimit, instrument, parse_losses, run_program


class Hooks:
    """A real hooks object: records what the instrumented program declared and called."""

    def __init__(self):
        self.classes, self.calls = [], []

    def module_class(self, cls):
        self.classes.append(cls.__name__)
        return cls

    def function(self, name):
        def decorate(fn):
            def wrapper(*args, **kwargs):
                self.calls.append(name)
                return fn(*args, **kwargs)
            return wrapper
        return decorate


def run(src, tmp_path, hooks=None, max_seconds=30.0, classes=True, functions=True):
    path = tmp_path / "prog" / "script.py"
    path.parent.mkdir(exist_ok=True)
    hooks = hooks or Hooks()
    code = instrument(textwrap.dedent(src), str(path), "__hooks__", classes=classes, functions=functions)
    return run_program(code, str(path), {"__hooks__": hooks}, max_seconds), hooks


def test_instrumented_program_runs_as_main_with_its_own_cwd_and_argv(tmp_path):
    src = """
    import os, sys, argparse
    class Net:
        pass
    def helper(x):
        return x + 1
    def main():
        args = argparse.ArgumentParser().parse_args()
        print("name", __name__, "argv", sys.argv == [__file__], "cwd", os.getcwd() == os.path.dirname(__file__))
        print("loss 0.5", helper(1))
    if __name__ == "__main__":
        main()
    """
    cwd, argv = os.getcwd(), list(sys.argv)
    outcome, hooks = run(src, tmp_path)
    assert outcome.status == "ok", outcome.message
    assert "name __main__ argv True cwd True" in outcome.output
    assert outcome.losses == [0.5]
    assert hooks.classes == ["Net"] and hooks.calls == ["main", "helper"]
    assert callable(outcome.namespace["helper"])
    assert os.getcwd() == cwd and sys.argv == argv and sys.modules["__main__"].__name__ != "script"


def test_errors_name_the_program_line_and_exit_codes_count(tmp_path):
    outcome, _ = run("x = 1\n\ny = [][x]\n", tmp_path)
    assert outcome.status == "error"
    assert "IndexError" in outcome.message and "line 3" in outcome.message
    assert run("import sys\nsys.exit(0)\n", tmp_path)[0].status == "ok"
    bad = run("import sys\nsys.exit(3)\n", tmp_path)[0]
    assert (bad.status, bad.message) == ("error", "SystemExit: 3")
    assert run("x = [0] * (1 << 62)\n", tmp_path)[0].status == "memory"


def test_time_budget_stops_a_hang_that_catches_exceptions(tmp_path):
    src = """
    while True:
        try:
            pass
        except Exception:
            pass
    """
    outcome, _ = run(src, tmp_path, max_seconds=0.5)
    assert (outcome.status, outcome.cap) == ("capped", "time")
    assert outcome.seconds < 10


def test_line_numbers_survive_instrumentation(tmp_path):
    src = "def f():\n    return 1 / 0\n\n\nclass A:\n    pass\n\n\nf()\n"
    outcome, hooks = run(src, tmp_path)
    assert "ZeroDivisionError" in outcome.message and "line 2" in outcome.message
    assert hooks.calls == ["f"]


def test_time_limit_context_raises_stop_program():
    with pytest.raises(StopProgram) as info:
        with TimeLimit(0.2):
            while True:
                pass
    assert info.value.reason == "time"


def test_parse_losses_takes_the_first_number_after_loss():
    text = "epoch 0 loss 1.25 acc 0.5\nval_loss: 3e-1\nLoss=nan\nno number\ntrain loss -0.5 (lr 0.1)"
    assert parse_losses(text)[:2] == [1.25, 0.3]
    assert parse_losses(text)[3] == -0.5
