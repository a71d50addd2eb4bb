"""Render the prompt for one unit: augmented JSON (default) or plain text.

The JSON prompt is a JSON document (task, target rules, file context, the unit,
retrieved examples and notes, output schema) built from `prompts/translate.json`;
the plain variant fills `prompts/translate_plain.txt`. Both carry the same
retrieved material, so the ablation compares formats, not contents.
`--no-retrieval` is the same prompt with empty `examples` and `notes`.

The prompt must fit the model: retrieved items are dropped lowest-score first
until system + user + the answer budget fit the context window. The unit
itself is never cut; a unit that does not fit alone is an error for that unit.

Example::

    p = build_prompt(unit, context, hits, fmt="json", context_window=8192, max_tokens=2048)
    p.messages[1]["content"]   # '{"task": "Translate the PyTorch unit ...", ...}'
    p.retrieved, p.dropped      # ids kept, ids dropped for the budget
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from string import Template
from typing import Callable

from .resources import read_prompt

FORMATS = ("json", "plain")
SAFETY_TOKENS = 64


class PromptTooLong(ValueError):
    """The unit alone does not fit the model's context window."""


def approx_tokens(text: str) -> int:
    """A conservative estimate for code-heavy text (about 3.5 characters a token)."""
    return math.ceil(len(text) / 3.5)


@dataclass
class Prompt:
    unit: str
    format: str
    messages: list[dict]
    retrieved: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    tokens: int = 0

    def text(self) -> str:
        """The messages as one readable block (what --show-prompt prints)."""
        return "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in self.messages)


def _example(hit) -> dict:
    e = hit.entry
    item = {"id": e.id, "title": e.title, "pytorch": e.torch_code.strip(), "jax": e.jax_code.strip()}
    if e.kind == "fix":
        item = {"id": e.id, "title": e.title, "pytorch": e.torch_code.strip(),
                "wrong_jax": e.extra.get("wrong_code", "").strip(), "error": e.extra.get("error", "").strip(),
                "fixed_jax": e.jax_code.strip()}
    return item


def _note(hit) -> dict:
    e = hit.entry
    return {"id": e.id, "title": e.title, "pytorch_apis": e.torch_apis, "jax_apis": e.jax_apis, "text": e.body.strip()}


def _render_json(unit, context: str, examples: list, notes: list, draft: dict | None = None) -> list[dict]:
    doc = json.loads(read_prompt("translate.json"))
    schema = doc.pop("output_schema")
    draft_instructions = doc.pop("draft_instructions", "")
    doc["context"] = context
    doc["unit"] = {"name": unit.name, "kind": unit.kind, "pytorch_source": unit.source}
    doc["examples"] = [_example(h) for h in examples]
    doc["notes"] = [_note(h) for h in notes]
    if draft is not None:
        doc["draft"] = {"instructions": draft_instructions, **draft}
    doc["output_schema"] = schema
    return [{"role": "system", "content": read_prompt("translate_system.txt").strip()},
            {"role": "user", "content": json.dumps(doc, indent=1, ensure_ascii=False)}]


def _render_plain(unit, context: str, examples: list, notes: list, draft: dict | None = None) -> list[dict]:
    refs = []
    if examples:
        refs.append("\nVerified examples:\n")
        for h in examples:
            x = _example(h)
            if "fixed_jax" in x:
                refs.append(f"### {x['title']}\nPyTorch:\n```python\n{x['pytorch']}\n```\nA wrong translation:\n"
                            f"```python\n{x['wrong_jax']}\n```\nIt failed with: {x['error']}\nThe fix:\n"
                            f"```python\n{x['fixed_jax']}\n```\n")
            else:
                refs.append(f"### {x['title']}\nPyTorch:\n```python\n{x['pytorch']}\n```\nJAX:\n```python\n{x['jax']}\n```\n")
    if notes:
        refs.append("\nAPI notes:\n")
        for h in notes:
            refs.append(f"### {h.entry.title}\n{h.entry.body.strip()}\n")
    if draft is not None:
        todo = "".join(f"- line {u.get('line')}: {u.get('construct')}: {u.get('reason')}\n"
                       for u in draft["untranslated"]) or "- nothing\n"
        refs.append(f"\nA rule-based draft of this unit (complete the TODO(t2j) lines and fix it):\n"
                    f"```python\n{draft['jax_code']}```\nLeft untranslated:\n{todo}")
    user = Template(read_prompt("translate_plain.txt")).substitute(
        references="".join(refs), context=context or "(none)", unit_name=unit.name, unit_source=unit.source)
    return [{"role": "system", "content": read_prompt("translate_system.txt").strip()},
            {"role": "user", "content": user}]


def build_prompt(unit, context: str, hits: list, fmt: str = "json", context_window: int | None = None,
                 max_tokens: int = 2048, count_tokens: Callable[[str], int] = approx_tokens,
                 draft: dict | None = None) -> Prompt:
    """Render the prompt, dropping the lowest-scored retrieved items until it fits."""
    if fmt not in FORMATS:
        raise ValueError(f"prompt format must be one of {FORMATS}, got {fmt!r}")
    render = _render_json if fmt == "json" else _render_plain
    kept = sorted(hits, key=lambda h: -h.score)
    dropped: list[str] = []
    while True:
        examples = [h for h in kept if h.kind != "note"]
        notes = [h for h in kept if h.kind == "note"]
        messages = render(unit, context, examples, notes, draft)
        tokens = sum(count_tokens(m["content"]) for m in messages)
        if context_window is None or tokens + max_tokens + SAFETY_TOKENS <= context_window:
            break
        if not kept:
            raise PromptTooLong(f"unit {unit.name} needs about {tokens} prompt tokens; with {max_tokens} for the "
                                f"answer it does not fit the model's {context_window}-token context")
        dropped.append(kept.pop().id)
    return Prompt(unit.name, fmt, messages, [h.id for h in examples + notes], dropped, tokens)
