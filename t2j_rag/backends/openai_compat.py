"""The `openai` backend: any server speaking the OpenAI chat-completions protocol.

vLLM, llama.cpp's server, Ollama, TGI and hosted APIs all accept
`POST {base_url}/chat/completions`, so one small client covers them. It uses
only urllib from the standard library: no SDK to install or keep in step with,
at the cost of hand-written retries and no streaming.

Configuration: base URL from the `base_url` option, `T2J_RAG_OPENAI_BASE_URL`
or `OPENAI_BASE_URL` (e.g. http://localhost:8000/v1); API key (optional, sent
as a Bearer token) from `api_key`, `T2J_RAG_OPENAI_API_KEY` or
`OPENAI_API_KEY`; model from the argument or `T2J_RAG_OPENAI_MODEL`; timeout
(seconds per attempt, default 120) and retries (default 3) from the options or
`T2J_RAG_OPENAI_TIMEOUT` / `T2J_RAG_OPENAI_RETRIES`.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from t2j_rag.backends.base import Backend, Completion, Request
from t2j_rag.errors import BackendError

BASE_URL_VARS = ("T2J_RAG_OPENAI_BASE_URL", "OPENAI_BASE_URL")
API_KEY_VARS = ("T2J_RAG_OPENAI_API_KEY", "OPENAI_API_KEY")
MODEL_VAR = "T2J_RAG_OPENAI_MODEL"
TIMEOUT_VAR = "T2J_RAG_OPENAI_TIMEOUT"
RETRIES_VAR = "T2J_RAG_OPENAI_RETRIES"
DEFAULT_TIMEOUT = 120.0
DEFAULT_RETRIES = 3

# A server that asks for a long pause is better answered by failing than by
# hanging the CLI; this caps what Retry-After can make us wait.
MAX_RETRY_AFTER = 60.0


def _first_env(names: tuple[str, ...]) -> str | None:
    for var in names:
        value = os.environ.get(var, "").strip()
        if value:
            return value
    return None


def _env_number(var: str, kind: type, default: float) -> float:
    raw = os.environ.get(var, "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        raise BackendError(f"{var}={raw!r} is not a valid {kind.__name__}") from None


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


class _Retryable(Exception):
    """A failure worth another attempt (network trouble, 429, 5xx)."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


class OpenAICompatBackend(Backend):
    """Client for OpenAI-compatible /chat/completions endpoints."""

    name = "openai"
    context_window = 32768

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float = 1.0,
        **options,
    ) -> None:
        super().__init__(model or _first_env((MODEL_VAR,)), **options)
        if not self.model:
            raise BackendError(f"openai backend needs a model name: pass --model or set {MODEL_VAR}")
        base_url = (base_url or _first_env(BASE_URL_VARS) or "").strip()
        if not base_url:
            raise BackendError(
                "openai backend needs the server's base URL: set T2J_RAG_OPENAI_BASE_URL "
                "(or OPENAI_BASE_URL), e.g. http://localhost:8000/v1"
            )
        parsed = urllib.parse.urlparse(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise BackendError(f"openai backend: base URL {base_url!r} is not an http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/chat/completions"
        self.api_key = api_key or _first_env(API_KEY_VARS)
        timeout = _env_number(TIMEOUT_VAR, float, DEFAULT_TIMEOUT) if timeout is None else timeout
        retries = _env_number(RETRIES_VAR, int, DEFAULT_RETRIES) if retries is None else retries
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise BackendError(f"openai backend: timeout must be a positive number of seconds, got {timeout!r}")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise BackendError(f"openai backend: retries must be an integer >= 0, got {retries!r}")
        if isinstance(backoff, bool) or not isinstance(backoff, (int, float)) or backoff < 0:
            raise BackendError(f"openai backend: backoff must be a number of seconds >= 0, got {backoff!r}")
        self.timeout = float(timeout)
        self.retries = retries
        self.backoff = float(backoff)

    def _body(self, request: Request) -> dict:
        body = {
            "model": self.model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }
        # Some servers reject "stop": null, so the key is only sent when set.
        if request.stop:
            body["stop"] = list(request.stop)
        return body

    def _post_once(self, data: bytes) -> bytes:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        http_request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = _one_line(exc.read().decode("utf-8", "replace")) if exc.fp else ""
            reason = f"HTTP {exc.code}" + (f": {detail}" if detail else "")
            if exc.code == 429 or exc.code >= 500:
                raise _Retryable(reason, self._retry_after(exc)) from None
            raise BackendError(f"openai backend: {self.url} answered {reason}") from None
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise _Retryable(_one_line(str(reason)) or type(exc).__name__) from None

    @staticmethod
    def _retry_after(exc: urllib.error.HTTPError) -> float | None:
        value = exc.headers.get("Retry-After") if exc.headers else None
        try:
            return min(float(value), MAX_RETRY_AFTER) if value is not None else None
        except ValueError:  # an HTTP date instead of seconds: fall back to our own backoff
            return None

    def _post(self, data: bytes) -> bytes:
        attempts = self.retries + 1
        for attempt in range(attempts):
            try:
                return self._post_once(data)
            except _Retryable as exc:
                if attempt == attempts - 1:
                    raise BackendError(
                        f"openai backend: cannot get an answer from {self.url} after {attempts} attempt(s): {exc}"
                    ) from None
                time.sleep(exc.wait if exc.wait is not None else self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # the loop either returns or raises

    def _parse(self, raw: bytes) -> tuple[str, str | None, int | None, int | None]:
        try:
            payload = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            start = _one_line(raw.decode("utf-8", "replace"), 120)
            raise BackendError(f"openai backend: {self.url} did not answer with JSON: {start!r}") from None
        try:
            text = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise BackendError(
                f"openai backend: {self.url} answered JSON without choices[0].message.content"
            ) from None
        if not isinstance(text, str):
            raise BackendError(
                f"openai backend: {self.url} answered a non-text message content ({type(text).__name__})"
            )
        usage = payload.get("usage")
        usage = usage if isinstance(usage, dict) else {}

        def count(key: str) -> int | None:
            value = usage.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        model = payload.get("model") if isinstance(payload.get("model"), str) else None
        return text, model, count("prompt_tokens"), count("completion_tokens")

    def generate(self, request: Request) -> Completion:
        start = time.perf_counter()
        raw = self._post(json.dumps(self._body(request)).encode("utf-8"))
        text, model, prompt_tokens, output_tokens = self._parse(raw)
        return Completion(
            text=text,
            model=model or self.model,
            prompt_tokens=prompt_tokens,
            output_tokens=output_tokens,
            seconds=time.perf_counter() - start,
        )
