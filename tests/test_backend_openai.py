"""The openai backend against a real local HTTP server speaking the chat-completions protocol."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from t2j_rag.backends import Request, get_backend
from t2j_rag.backends.openai_compat import OpenAICompatBackend
from t2j_rag.errors import BackendError

ENV_VARS = (
    "T2J_RAG_OPENAI_BASE_URL",
    "OPENAI_BASE_URL",
    "T2J_RAG_OPENAI_API_KEY",
    "OPENAI_API_KEY",
    "T2J_RAG_OPENAI_MODEL",
    "T2J_RAG_OPENAI_TIMEOUT",
    "T2J_RAG_OPENAI_RETRIES",
)


def ok_answer(text="def f(x):\n    return jnp.tanh(x)", prompt=17, completion=9):
    return 200, {
        "id": "cmpl-1",
        "object": "chat.completion",
        "model": "served-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }


class FakeServer:
    """Answers POST /v1/chat/completions from a script of (status, body) pairs and records what it got."""

    def __init__(self):
        self.script = []
        self.received = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                server.received.append({"path": self.path, "headers": dict(self.headers), "body": raw})
                if self.path != "/v1/chat/completions":
                    status, body = 404, {"error": "not found"}
                elif server.script:
                    status, body = server.script.pop(0)
                else:
                    status, body = 500, {"error": "script exhausted"}
                if status == "sleep":  # answer too late: the client has timed out by then
                    time.sleep(body)
                    status, body = ok_answer(text="too late")
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on a slow answer

            def log_message(self, *args):  # keep pytest output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def bodies(self):
        return [json.loads(r["body"]) for r in self.received]


@pytest.fixture
def server():
    fake = FakeServer()
    fake.thread.start()
    yield fake
    fake.httpd.shutdown()
    fake.httpd.server_close()
    fake.thread.join(timeout=5)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)


def backend_for(server, **options):
    options.setdefault("timeout", 5)
    options.setdefault("retries", 2)
    options.setdefault("backoff", 0.01)
    return get_backend("openai", model="test-model", base_url=server.base_url, **options)


def request(**kwargs):
    messages = [
        {"role": "system", "content": "Translate PyTorch to JAX."},
        {"role": "user", "content": "torch.tanh(x)"},
    ]
    return Request(messages=messages, **kwargs)


def test_sends_standard_body_and_parses_completion(server):
    server.script.append(ok_answer())
    backend = backend_for(server, api_key="sk-test")
    completion = backend.generate(request(max_tokens=64, temperature=0.2, stop=["```\n"]))

    assert completion.text == "def f(x):\n    return jnp.tanh(x)"
    assert completion.model == "served-model"
    assert completion.prompt_tokens == 17
    assert completion.output_tokens == 9
    assert completion.seconds > 0

    (sent,) = server.received
    assert sent["path"] == "/v1/chat/completions"
    headers = {k.lower(): v for k, v in sent["headers"].items()}
    assert headers["authorization"] == "Bearer sk-test"
    assert headers["content-type"] == "application/json"
    assert json.loads(sent["body"]) == {
        "model": "test-model",
        "messages": request().messages,
        "max_tokens": 64,
        "temperature": 0.2,
        "stop": ["```\n"],
    }


def test_configuration_from_environment(server, monkeypatch):
    monkeypatch.setenv("T2J_RAG_OPENAI_BASE_URL", server.base_url + "/")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/never-used")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("T2J_RAG_OPENAI_MODEL", "env-model")
    server.script.append(ok_answer())
    backend = get_backend("openai", retries=0)
    assert backend.url == server.base_url + "/chat/completions"
    backend.generate(request())
    (sent,) = server.received
    body = json.loads(sent["body"])
    assert body["model"] == "env-model"
    assert "stop" not in body  # only sent when the request sets it
    assert {k.lower(): v for k, v in sent["headers"].items()}["authorization"] == "Bearer sk-env"


def test_no_api_key_means_no_authorization_header(server):
    server.script.append(ok_answer())
    backend_for(server).generate(request())
    headers = {k.lower() for k in server.received[0]["headers"]}
    assert "authorization" not in headers


def test_missing_usage_gives_unknown_token_counts(server):
    status, body = ok_answer()
    del body["usage"], body["model"]
    server.script.append((status, body))
    completion = backend_for(server).generate(request())
    assert completion.prompt_tokens is None and completion.output_tokens is None
    assert completion.model == "test-model"


def test_retries_after_server_error_then_succeeds(server):
    server.script += [(500, {"error": "overloaded"}), (503, {"error": "busy"}), ok_answer(text="fine")]
    completion = backend_for(server, retries=3).generate(request())
    assert completion.text == "fine"
    assert len(server.received) == 3
    assert server.bodies()[0] == server.bodies()[2]


def test_retries_after_429(server):
    server.script += [(429, {"error": "slow down"}), ok_answer(text="after wait")]
    assert backend_for(server).generate(request()).text == "after wait"
    assert len(server.received) == 2


def test_gives_up_after_retries_with_one_line_error(server):
    server.script += [(500, {"error": "down"})] * 3
    with pytest.raises(BackendError) as info:
        backend_for(server, retries=2).generate(request())
    assert len(server.received) == 3
    message = str(info.value)
    assert server.base_url in message and "3 attempt" in message and "HTTP 500" in message
    assert "\n" not in message


def test_timeout_is_retried(server):
    server.script += [("sleep", 0.6), ok_answer(text="in time")]
    completion = backend_for(server, timeout=0.2, retries=1).generate(request())
    assert completion.text == "in time"
    assert len(server.received) == 2


def test_retries_and_timeout_from_environment(server, monkeypatch):
    monkeypatch.setenv("T2J_RAG_OPENAI_RETRIES", "0")
    monkeypatch.setenv("T2J_RAG_OPENAI_TIMEOUT", "7.5")
    backend = get_backend("openai", model="m", base_url=server.base_url)
    assert (backend.retries, backend.timeout) == (0, 7.5)
    server.script += [(500, {"error": "down"}), ok_answer()]
    with pytest.raises(BackendError, match="1 attempt"):
        backend.generate(request())
    assert len(server.received) == 1
    # An explicit option wins over the environment.
    assert get_backend("openai", model="m", base_url=server.base_url, retries=2).retries == 2


def test_invalid_retries_in_environment(monkeypatch):
    monkeypatch.setenv("T2J_RAG_OPENAI_RETRIES", "many")
    with pytest.raises(BackendError, match="T2J_RAG_OPENAI_RETRIES"):
        get_backend("openai", model="m", base_url="http://h/v1")


def test_client_error_is_not_retried(server):
    server.script += [(400, {"error": {"message": "bad request: unknown field"}}), ok_answer()]
    with pytest.raises(BackendError, match="HTTP 400") as info:
        backend_for(server, retries=3).generate(request())
    assert len(server.received) == 1
    assert "unknown field" in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>gateway</html>",
        {"choices": []},
        {"choices": [{"message": {"role": "assistant"}}]},
        {"choices": [{"message": {"role": "assistant", "content": None}}]},
        [1, 2, 3],
    ],
)
def test_malformed_answer_raises_backend_error(server, body):
    server.script.append((200, body))
    with pytest.raises(BackendError, match="openai backend"):
        backend_for(server).generate(request())
    assert len(server.received) == 1


def test_unreachable_server_fails_quickly():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more, so connections are refused.
    url = f"http://127.0.0.1:{port}/v1"
    backend = get_backend("openai", model="m", base_url=url, timeout=1, retries=2, backoff=0.01)
    start = time.perf_counter()
    with pytest.raises(BackendError) as info:
        backend.generate(request())
    assert time.perf_counter() - start < 5
    assert url in str(info.value) and "3 attempt" in str(info.value)


def test_missing_base_url_tells_user_what_to_set():
    with pytest.raises(BackendError, match="T2J_RAG_OPENAI_BASE_URL"):
        get_backend("openai", model="m")


def test_missing_model_tells_user_what_to_set():
    with pytest.raises(BackendError, match="T2J_RAG_OPENAI_MODEL"):
        get_backend("openai", base_url="http://127.0.0.1:1/v1")


@pytest.mark.parametrize(
    "options, fragment",
    [
        ({"base_url": "localhost:8000"}, "not an http"),
        ({"base_url": "http://h/v1", "timeout": 0}, "timeout"),
        ({"base_url": "http://h/v1", "retries": -1}, "retries"),
        ({"base_url": "http://h/v1", "backoff": -0.5}, "backoff"),
    ],
)
def test_invalid_options(options, fragment):
    with pytest.raises(BackendError, match=fragment):
        OpenAICompatBackend(model="m", **options)


def test_context_window_default_and_override():
    assert get_backend("openai", model="m", base_url="http://h/v1").context_window == 32768
    assert get_backend("openai", model="m", base_url="http://h/v1", context_window=8000).context_window == 8000
