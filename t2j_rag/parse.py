"""Recover the translated code (and the model's notes) from a free-form model answer.

The model is asked for `{"jax_code": "<python source>", "notes": [...]}`, but small
local models wrap it in a fence, add prose around it, rename the keys, run out of
tokens half-way, or skip the JSON and answer with a python block. `parse_answer`
tries the strict readings first and falls back to looser ones, and records in
`ParsedAnswer.shape` which one worked so the evaluation can count them.

The trade-off: every fallback accepts answers a strict parser would reject, so a
recovered answer may be incomplete (`truncated=True`) or carry stray text; that is
caught later by parsing and executing the code. Refusing instead would throw away
an answer that is usually right, which costs more with a small model.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

CODE_KEYS = ("jax_code", "code", "jax", "translation")
NOTES_KEYS = ("notes", "assumptions")
SHAPES = ("json", "fenced-json", "json-with-text", "truncated-json", "fenced-python", "bare-python")

# strict=False: models often put raw newlines inside JSON strings.
_DECODER = json.JSONDecoder(strict=False)
_JSON_FENCE = re.compile(r"```[ \t]*json[ \t]*\n(.*?)```", re.S | re.I)
_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)(```|\Z)", re.S)
_PY_LANGS = ("python", "py", "python3", "")
_INNER_FENCE = re.compile(r"\A\s*```[ \t]*(?:python3?|py)?[ \t]*\n(.*?)\n?[ \t]*```\s*\Z", re.S | re.I)
_NEXT_ITEM = re.compile(r'\s*,?\s*(["\]])')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class ParseError(ValueError):
    """The answer holds no usable code; the pipeline records the unit as failed."""


@dataclass
class ParsedAnswer:
    """The code recovered from an answer, and how it was recovered (one of SHAPES)."""

    code: str
    notes: list[str] = field(default_factory=list)
    shape: str = "json"
    truncated: bool = False
    # Constructs the answer says it left untranslated: [{"line", "construct", "reason"}] (the rules engine).
    untranslated: list[dict] = field(default_factory=list)


def _fail(text: str) -> ParseError:
    head = " ".join(text.strip().split())[:60]
    return ParseError(f"no code found in the model's answer: {head!r}")


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def _looks_like_code(code: str) -> bool:
    """Parses, and has an import, def or class at top level (so prose that happens to parse is refused)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    kinds = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return any(isinstance(node, kinds) for node in tree.body)


def _clean_code(code: str) -> str:
    """Strip a fence around the code, and undo newlines that arrived as literal `\\n`."""
    m = _INNER_FENCE.match(code)
    if m:
        code = m.group(1)
    if "\\n" in code and not ("\n" in code.strip() and _parses(code)):
        unescaped = (
            code.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"')
        )
        if _parses(unescaped) or "\n" not in code.strip():
            code = unescaped
    return code.strip("\n") + "\n"


def _notes(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def _from_object(obj: object) -> tuple[str, list[str]] | None:
    """(code, notes) from a decoded JSON object, or None when it has no non-empty code."""
    if not isinstance(obj, dict):
        return None
    for key in CODE_KEYS:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            notes = next((obj[k] for k in NOTES_KEYS if k in obj), None)
            return _clean_code(value), _notes(notes)
    return None


def _scan_string(text: str, start: int) -> tuple[str, bool]:
    """Decode the JSON string whose opening quote is at `start`; returns (value, closed).

    Lenient where models are sloppy: raw newlines are kept and an unknown escape
    such as `\\d` (from a regex) stays as written. A string cut inside an escape
    drops the partial escape.
    """
    out: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            return "".join(out), True
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= n:
            break
        esc = text[i + 1]
        if esc in _ESCAPES:
            out.append(_ESCAPES[esc])
            i += 2
        elif esc == "u":
            digits = text[i + 2 : i + 6]
            if len(digits) < 4:
                break
            try:
                code = int(digits, 16)
            except ValueError:
                out.append("\\u")
                i += 2
                continue
            i += 6
            if 0xD800 <= code < 0xDC00 and text[i : i + 2] == "\\u":
                try:
                    low = int(text[i + 2 : i + 6], 16)
                except ValueError:
                    low = 0
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
            out.append(chr(code) if not 0xD800 <= code < 0xE000 else "\ufffd")
        else:
            out.append("\\" + esc)
            i += 2
    return "".join(out), False


def _key_value_start(text: str, keys: tuple[str, ...], opener: str) -> int | None:
    """Index just after `"key": <opener>` for the first key (in priority order) present."""
    for key in keys:
        m = re.search(r'"' + re.escape(key) + r'"\s*:\s*' + re.escape(opener), text)
        if m:
            return m.end()
    return None


def _scan_notes(text: str) -> list[str]:
    """The complete strings of a notes list, even when the list (or object) is cut off."""
    pos = _key_value_start(text, NOTES_KEYS, "[")
    if pos is None:
        pos = _key_value_start(text, NOTES_KEYS, '"')
        if pos is None:
            return []
        value, closed = _scan_string(text, pos - 1)
        return _notes(value) if closed else []
    notes: list[str] = []
    while True:
        m = _NEXT_ITEM.match(text, pos)
        if not m or m.group(1) == "]":
            return notes
        value, closed = _scan_string(text, m.end() - 1)
        if not closed:
            return notes
        notes += _notes(value)
        pos = _string_end(text, m.end() - 1)


def _string_end(text: str, start: int) -> int:
    """Index just past the closing quote of the JSON string opening at `start`."""
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == '"':
            return i + 1
        else:
            i += 1
    return len(text)


def _untranslated(obj: object) -> list[dict]:
    items = obj.get("untranslated") if isinstance(obj, dict) else None
    if not isinstance(items, list):
        return []
    return [dict(i) for i in items if isinstance(i, dict) and "construct" in i]


def _try_json(text: str) -> ParsedAnswer | None:
    stripped = text.strip()
    try:
        obj = _DECODER.decode(stripped)
    except ValueError:
        obj = None
    found = _from_object(obj)
    if found:
        return ParsedAnswer(found[0], found[1], "json", untranslated=_untranslated(obj))

    for m in _JSON_FENCE.finditer(text):
        try:
            obj = _DECODER.decode(m.group(1).strip())
        except ValueError:
            continue
        found = _from_object(obj)
        if found:
            return ParsedAnswer(found[0], found[1], "fenced-json", untranslated=_untranslated(obj))

    for m in re.finditer(r"\{\s*\"", text):  # only where an object with a key can start
        try:
            obj, _ = _DECODER.raw_decode(text, m.start())
        except ValueError:
            continue
        found = _from_object(obj)
        if found:
            return ParsedAnswer(found[0], found[1], "json-with-text", untranslated=_untranslated(obj))
    return None


def _try_truncated(text: str) -> ParsedAnswer | None:
    pos = _key_value_start(text, CODE_KEYS, '"')
    if pos is None:
        return None
    value, closed = _scan_string(text, pos - 1)
    if not value.strip():
        return None
    return ParsedAnswer(_clean_code(value), _scan_notes(text), "truncated-json", truncated=not closed)


def _try_fenced_python(text: str) -> ParsedAnswer | None:
    best: tuple[str, bool] | None = None
    for m in _FENCE.finditer(text):
        lang, body = m.group(1).lower(), m.group(2)
        if lang not in _PY_LANGS or not body.strip():
            continue
        if lang == "" and not _looks_like_code(body):
            continue  # an unlabeled fence is only python when it reads as python
        if best is None or len(body.strip()) > len(best[0].strip()):
            best = (body, not m.group(3))
    if best is None:
        return None
    return ParsedAnswer(best[0].strip("\n") + "\n", [], "fenced-python", truncated=best[1])


def parse_answer(text: str) -> ParsedAnswer:
    """The code in a model answer, trying JSON readings first, then python fences, then bare code.

    Raises ParseError (one line, quoting the answer's start) when nothing usable is found.
    """
    if not text or not text.strip():
        raise _fail(text or "")
    for attempt in (_try_json, _try_truncated, _try_fenced_python):
        found = attempt(text)
        if found is not None:
            return found
    if "```" not in text and _looks_like_code(text):
        return ParsedAnswer(text.strip("\n") + "\n", [], "bare-python")
    raise _fail(text)
