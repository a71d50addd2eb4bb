"""The `echo` backend: answers with the last user message, unchanged.

It lets tests and dry runs see exactly the prompt the pipeline assembled,
without a model. The trade-off: its answer is never valid JAX code, so a run
with it exercises everything except translation quality.
"""

from __future__ import annotations

import time

from t2j_rag.backends.base import Backend, Completion, Request
from t2j_rag.errors import BackendError


class EchoBackend(Backend):
    """Returns the content of the last user message; token counts are approximations."""

    name = "echo"
    default_model = "echo"
    model_kind = "none"

    def generate(self, request: Request) -> Completion:
        start = time.perf_counter()
        for message in reversed(request.messages):
            if message["role"] == "user":
                text = message["content"]
                break
        else:
            raise BackendError("echo backend: the request has no user message to echo")
        return Completion(
            text=text,
            model=self.model or self.name,
            prompt_tokens=sum(self.count_tokens(m["content"]) for m in request.messages),
            output_tokens=self.count_tokens(text),
            seconds=time.perf_counter() - start,
        )
