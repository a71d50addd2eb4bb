"""The `replay` backend: hands out pre-written answers in order and records requests.

Tests and reproducible demos use it to drive the whole pipeline (including the
repair loop) with known model outputs. The trade-off is that answers are
positional: the n-th request gets the n-th answer whatever it asked, so a
change in how many calls the pipeline makes shifts every later answer.

From the command line the answers come from the file given as the model:
a JSON list of strings, or JSONL with one JSON string (or {"text": ...}) per line.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from t2j_rag.backends.base import Backend, Completion, Request
from t2j_rag.errors import BackendError


def _answer_text(item: object, where: str) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get("text"), str):
        return item["text"]
    raise BackendError(f"{where}: expected a string or an object with a string 'text', got {type(item).__name__}")


def load_answers(path: str | Path) -> list[str]:
    """Read answers from a JSON list or a JSONL file; BackendError on any problem."""
    path = Path(path).expanduser()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BackendError(f"replay answers file {path} does not exist") from None
    except IsADirectoryError:
        raise BackendError(f"replay answers file {path} is a directory") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BackendError(f"cannot read replay answers file {path}: {exc}") from None

    if not raw.strip():
        raise BackendError(f"replay answers file {path} is empty")
    suffix = path.suffix.lower()
    if suffix != ".jsonl":
        try:
            document = json.loads(raw)
        except json.JSONDecodeError as exc:
            if suffix == ".json":
                raise BackendError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
            document = None  # may still be JSONL saved under another suffix
        if isinstance(document, list):
            return [_answer_text(item, f"{path}: item {i}") for i, item in enumerate(document)]
        if suffix == ".json":
            raise BackendError(f"{path}: a .json answers file must hold a list, got {type(document).__name__}")

    answers = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BackendError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        answers.append(_answer_text(item, f"{path}:{number}"))
    return answers


class ReplayBackend(Backend):
    """Answers requests from a queue; `requests` keeps every request received."""

    name = "replay"
    model_kind = "answers"  # `model` is the answers file

    def __init__(self, model: str | None = None, answers: Iterable[str] | None = None, **options) -> None:
        super().__init__(model, **options)
        self._answers: deque[str] = deque()
        self.requests: list[Request] = []
        if self.model is not None:
            self._answers.extend(load_answers(self.model))
        for answer in answers or ():
            self.enqueue(answer)

    def enqueue(self, text: str) -> None:
        """Add one answer to the end of the queue."""
        if not isinstance(text, str):
            raise BackendError(f"replay backend answers must be strings, got {type(text).__name__}")
        self._answers.append(text)

    @property
    def remaining(self) -> int:
        """How many answers are still queued."""
        return len(self._answers)

    def generate(self, request: Request) -> Completion:
        start = time.perf_counter()
        self.requests.append(request)
        if not self._answers:
            raise BackendError(
                f"replay backend has no answer left for request {len(self.requests)}; "
                "queue more answers or check how many calls the pipeline makes"
            )
        text = self._answers.popleft()
        return Completion(
            text=text,
            model=self.model or self.name,
            prompt_tokens=sum(self.count_tokens(m["content"]) for m in request.messages),
            output_tokens=self.count_tokens(text),
            seconds=time.perf_counter() - start,
        )
