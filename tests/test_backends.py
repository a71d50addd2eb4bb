"""Backend registry, the echo and replay backends, and default-backend choice."""

import json
import subprocess
import sys
import textwrap

import pytest

from t2j_rag.backends import (
    BUILTIN_BACKENDS,
    Backend,
    Completion,
    Request,
    backend_names,
    choose_default_backend,
    get_backend,
)
from t2j_rag.backends.echo import EchoBackend
from t2j_rag.backends.replay import ReplayBackend, load_answers
from t2j_rag.errors import BackendError, T2JError


def chat(user="translate this", system=None):
    messages = [{"role": "system", "content": system}] if system else []
    return Request(messages=[*messages, {"role": "user", "content": user}])


# -- registry ------------------------------------------------------------------


def test_builtin_names_come_first_in_registry_order():
    names = backend_names()
    assert names[:5] == ["echo", "replay", "hf", "openai", "rules"]
    assert list(BUILTIN_BACKENDS) == ["echo", "replay", "hf", "openai", "rules"]


@pytest.mark.parametrize("name", ["echo", "replay", "hf", "openai", "rules"])
def test_every_builtin_entry_imports_a_backend_class(name):
    module_name, _, class_name = BUILTIN_BACKENDS[name].partition(":")
    module = __import__(module_name, fromlist=[class_name])
    cls = getattr(module, class_name)
    assert issubclass(cls, Backend)
    assert cls.name == name


def test_importing_the_registry_does_not_import_heavy_libraries():
    code = (
        "import sys, t2j_rag.backends\n"
        "heavy = [m for m in ('torch', 'transformers', 'jax', 'bitsandbytes') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_get_backend_builds_builtin_with_model():
    backend = get_backend("echo", model="my-echo")
    assert isinstance(backend, EchoBackend)
    assert backend.model == "my-echo"


def test_unknown_backend_lists_known_names():
    with pytest.raises(BackendError) as info:
        get_backend("no-such-backend")
    message = str(info.value)
    assert "no-such-backend" in message
    for name in ("echo", "replay", "hf", "openai"):
        assert name in message
    assert "\n" not in message


def test_unknown_option_is_rejected():
    with pytest.raises(BackendError, match="temprature"):
        get_backend("echo", temprature=0.5)


def test_context_window_option_overrides_default():
    assert get_backend("echo").context_window == 8192
    assert get_backend("echo", context_window=4096).context_window == 4096
    with pytest.raises(BackendError, match="context_window"):
        get_backend("echo", context_window=0)


def _install_plugin(tmp_path, monkeypatch, module, body, entries):
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(body))
    dist = tmp_path / f"{module}-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n")
    lines = "\n".join(f"{name} = {value}" for name, value in entries.items())
    (dist / "entry_points.txt").write_text(f"[t2j_rag.backends]\n{lines}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, module, raising=False)


PLUGIN_BODY = """
    from t2j_rag.backends.base import Backend, Completion

    class ShoutBackend(Backend):
        name = "shout"
        default_model = "loud"

        def generate(self, request):
            return Completion(text=request.messages[-1]["content"].upper(), model=self.model)

    class NotABackend:
        pass
"""


def test_entry_point_plugin_is_discovered_and_built(tmp_path, monkeypatch):
    _install_plugin(
        tmp_path,
        monkeypatch,
        "t2j_shout_plugin",
        PLUGIN_BODY,
        {"shout": "t2j_shout_plugin:ShoutBackend", "echo": "t2j_shout_plugin:ShoutBackend"},
    )
    names = backend_names()
    assert "shout" in names
    assert names.count("echo") == 1
    backend = get_backend("shout")
    assert type(backend).__name__ == "ShoutBackend"
    assert backend.generate(chat("jax please")).text == "JAX PLEASE"
    # A plugin may not take over a built-in name.
    assert isinstance(get_backend("echo"), EchoBackend)


def test_entry_point_that_is_not_a_backend_is_rejected(tmp_path, monkeypatch):
    _install_plugin(tmp_path, monkeypatch, "t2j_bad_plugin", PLUGIN_BODY, {"bad": "t2j_bad_plugin:NotABackend"})
    with pytest.raises(BackendError, match="not a t2j_rag Backend subclass"):
        get_backend("bad")


def test_entry_point_that_fails_to_import_is_reported(tmp_path, monkeypatch):
    _install_plugin(
        tmp_path, monkeypatch, "t2j_broken_plugin", "import no_such_module_xyz\n", {"broken": "t2j_broken_plugin:X"}
    )
    with pytest.raises(BackendError, match="failed to load"):
        get_backend("broken")


# -- requests ------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"messages": []}, "non-empty"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "role"),
        ({"messages": [{"role": "user", "content": 3}]}, "content"),
        ({"messages": [{"role": "user", "content": "x"}], "max_tokens": 0}, "max_tokens"),
        ({"messages": [{"role": "user", "content": "x"}], "temperature": -1}, "temperature"),
        ({"messages": [{"role": "user", "content": "x"}], "stop": "END"}, "stop"),
    ],
)
def test_invalid_request_raises_backend_error(kwargs, fragment):
    with pytest.raises(BackendError, match=fragment):
        Request(**kwargs)


def test_backend_error_is_a_user_error():
    assert issubclass(BackendError, T2JError)


def test_default_count_tokens_is_ceil_of_length_over_3_5():
    backend = EchoBackend()
    assert backend.count_tokens("") == 0
    assert backend.count_tokens("abc") == 1
    assert backend.count_tokens("a" * 7) == 2
    assert backend.count_tokens("a" * 8) == 3


# -- echo ----------------------------------------------------------------------


def test_echo_returns_last_user_message_unchanged():
    text = "  import torch\n\nclass Model(torch.nn.Module): ...\n"
    request = Request(
        messages=[
            {"role": "system", "content": "You translate."},
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "draft"},
            {"role": "user", "content": text},
        ]
    )
    completion = EchoBackend().generate(request)
    assert isinstance(completion, Completion)
    assert completion.text == text
    assert completion.model == "echo"
    assert completion.output_tokens == EchoBackend().count_tokens(text)
    expected_prompt = sum(EchoBackend().count_tokens(m["content"]) for m in request.messages)
    assert completion.prompt_tokens == expected_prompt
    assert completion.seconds >= 0


def test_echo_without_user_message_fails():
    with pytest.raises(BackendError, match="no user message"):
        EchoBackend().generate(Request(messages=[{"role": "system", "content": "x"}]))


# -- replay --------------------------------------------------------------------


def test_replay_answers_in_order_and_records_requests():
    backend = ReplayBackend(answers=["first answer", "second answer"])
    backend.enqueue("third answer")
    requests = [chat(f"q{i}") for i in range(3)]
    texts = [backend.generate(r).text for r in requests]
    assert texts == ["first answer", "second answer", "third answer"]
    assert backend.requests == requests
    assert backend.remaining == 0


def test_replay_empty_queue_raises_and_still_records():
    backend = ReplayBackend(answers=["only"])
    backend.generate(chat("a"))
    with pytest.raises(BackendError, match="replay backend has no answer left"):
        backend.generate(chat("b"))
    assert [r.messages[-1]["content"] for r in backend.requests] == ["a", "b"]


def test_replay_rejects_non_string_answer():
    with pytest.raises(BackendError, match="strings"):
        ReplayBackend(answers=[42])


def test_replay_loads_json_list(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(["one", {"text": "two"}]))
    backend = get_backend("replay", model=str(path))
    assert [backend.generate(chat()).text for _ in range(2)] == ["one", "two"]
    with pytest.raises(BackendError):
        backend.generate(chat())


def test_replay_loads_jsonl(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text('"line one"\n\n{"text": "line\\ntwo"}\n"three"\n')
    backend = get_backend("replay", model=str(path))
    assert backend.remaining == 3
    assert [backend.generate(chat()).text for _ in range(3)] == ["line one", "line\ntwo", "three"]


def test_replay_file_answers_come_before_given_answers(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text('["from file"]')
    backend = ReplayBackend(model=str(path), answers=["given"])
    assert [backend.generate(chat()).text for _ in range(2)] == ["from file", "given"]


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("missing.json", None, "does not exist"),
        ("bad.json", "[1, 2", "not valid JSON"),
        ("dict.json", '{"text": "x"}', "must hold a list"),
        ("items.json", '["ok", 3]', "item 1"),
        ("bad.jsonl", '"ok"\nnot json\n', ":2: not valid JSON"),
        ("empty.jsonl", "  \n", "is empty"),
        ("obj.jsonl", '{"answer": "x"}\n', "'text'"),
    ],
)
def test_replay_bad_file_is_one_line_error(tmp_path, name, content, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(BackendError, match=fragment) as info:
        get_backend("replay", model=str(path))
    assert "\n" not in str(info.value)


def test_replay_directory_as_file_is_error(tmp_path):
    with pytest.raises(BackendError, match="is a directory"):
        load_answers(tmp_path)


# -- default backend -------------------------------------------------------------


def _has_cuda():
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


@pytest.mark.parametrize("var", ["T2J_RAG_OPENAI_BASE_URL", "OPENAI_BASE_URL"])
def test_default_backend_is_openai_when_a_server_is_configured(var):
    assert choose_default_backend({var: "http://localhost:8000/v1"}) == "openai"


def test_default_backend_ignores_blank_url_and_falls_back_to_gpu_check():
    expected = "hf" if _has_cuda() else None
    assert choose_default_backend({"OPENAI_BASE_URL": "   "}) == expected
    assert choose_default_backend({}) == expected


def test_default_backend_is_none_without_torch(monkeypatch):
    # A None entry in sys.modules makes `import torch` raise ImportError.
    monkeypatch.setitem(sys.modules, "torch", None)
    assert choose_default_backend({}) is None
    assert choose_default_backend({"T2J_RAG_OPENAI_BASE_URL": "http://h/v1"}) == "openai"


@pytest.mark.parametrize("name", ["echo", "replay", "hf", "openai", "rules"])
def test_every_builtin_declares_what_its_answers_depend_on(name):
    from t2j_rag.backends import backend_class

    cls = backend_class(name)
    assert cls.model_kind in ("model", "answers", "none")
    assert all(isinstance(getattr(cls, a), bool) for a in ("uses_prompt", "repairs", "reads_corpus"))
    # Only the deterministic rules engine ignores the prompt and repair prompts.
    assert (cls.uses_prompt, cls.repairs) == ((False, False) if name == "rules" else (True, True))
