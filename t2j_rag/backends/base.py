"""The contract every LLM backend meets: a chat `Request` in, a `Completion` out.

The interface is deliberately the smallest one the pipeline needs (one blocking
`generate` call plus token counting), so a new backend is a single short class.
The price is that streaming, tool calls and batching are out of scope; a
backend that could do them simply does not expose them here.
"""

from __future__ import annotations

import abc
import math
from dataclasses import dataclass
from typing import Any, ClassVar

from t2j_rag.errors import BackendError

ROLES = ("system", "user", "assistant")

# BPE tokenizers of current code-trained LLMs average roughly 3.5-4 characters per
# token on mixed English and Python. Dividing by the low end over-counts a little,
# which makes prompt budgets err towards leaving room rather than overflowing.
CHARS_PER_TOKEN = 3.5


@dataclass
class Request:
    """One chat-completion request, in the OpenAI message format."""

    messages: list[dict]
    max_tokens: int = 2048
    temperature: float = 0.0  # 0 means greedy decoding
    stop: list[str] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.messages, list) or not self.messages:
            raise BackendError("a request needs a non-empty list of messages")
        for i, message in enumerate(self.messages):
            if not isinstance(message, dict):
                raise BackendError(f"message {i} is not a dict with 'role' and 'content'")
            if message.get("role") not in ROLES:
                raise BackendError(
                    f"message {i} has role {message.get('role')!r}; expected one of {', '.join(ROLES)}"
                )
            if not isinstance(message.get("content"), str):
                raise BackendError(f"message {i} content must be a string")
        # bool is an int subclass; True as a token budget is always a mistake.
        if isinstance(self.max_tokens, bool) or not isinstance(self.max_tokens, int) or self.max_tokens < 1:
            raise BackendError(f"max_tokens must be a positive integer, got {self.max_tokens!r}")
        if isinstance(self.temperature, bool) or not isinstance(self.temperature, (int, float)) or self.temperature < 0:
            raise BackendError(f"temperature must be a number >= 0, got {self.temperature!r}")
        if self.stop is not None and (
            not isinstance(self.stop, list) or not all(isinstance(s, str) and s for s in self.stop)
        ):
            raise BackendError("stop must be a list of non-empty strings or None")


@dataclass
class Completion:
    """The text a backend produced and what it cost."""

    text: str
    model: str
    prompt_tokens: int | None = None
    output_tokens: int | None = None
    seconds: float = 0.0


class Backend(abc.ABC):
    """Base class of LLM backends.

    Subclasses set `name` (the registry name) and implement `generate`. Options
    not understood by a backend are rejected so that a typo in a config file
    fails loudly instead of being silently ignored. The only option every
    backend accepts is `context_window`, for models whose window is known to
    the user but not to us.
    """

    name: ClassVar[str]
    default_model: ClassVar[str | None] = None
    context_window: int = 8192

    # What an answer depends on. `translate.plan_translation` and the evaluation grid read
    # these, so an option a backend ignores is neither prepared (an index opened for nothing)
    # nor crossed in an ablation grid (configurations that cannot differ run once).
    #
    # uses_prompt False: the answer depends on the unit's source alone; retrieved examples, a
    # draft and the prompt's wording change nothing (the unit still travels in the JSON prompt).
    uses_prompt: ClassVar[bool] = True
    # repairs False: a repair prompt gets the same answer as the first request; no repair rounds.
    repairs: ClassVar[bool] = True
    # What `model` names: "model" (a model id or path), "answers" (a file of recorded answers),
    # or "none" (nothing to choose; runs are labelled with `default_model`).
    model_kind: ClassVar[str] = "model"
    # reads_corpus True: takes a `corpus_dirs` option, the user's corpus directories, and reads them.
    reads_corpus: ClassVar[bool] = False

    def __init__(self, model: str | None = None, **options: Any) -> None:
        if model is not None and not isinstance(model, str):
            raise BackendError(f"{self.name} backend: model must be a string, got {type(model).__name__}")
        self.model = model or self.default_model
        window = options.pop("context_window", None)
        if window is not None:
            if isinstance(window, bool) or not isinstance(window, int) or window < 1:
                raise BackendError(f"{self.name} backend: context_window must be a positive integer, got {window!r}")
            self._context_window_override: int | None = window
            self.context_window = window
        else:
            self._context_window_override = None
        if options:
            raise BackendError(
                f"{self.name} backend does not understand option(s): {', '.join(sorted(options))}"
            )

    @abc.abstractmethod
    def generate(self, request: Request) -> Completion:
        """Answer the chat in `request`; raise BackendError when that is impossible."""

    def count_tokens(self, text: str) -> int:
        """Approximate token count: ceil(len(text) / 3.5); see CHARS_PER_TOKEN."""
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r})"
