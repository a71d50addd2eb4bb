import ast
import json

import pytest

from t2j_rag.parse import ParseError, parse_answer

CODE = "import jax.numpy as jnp\n\n\ndef f(x):\n    return jnp.tanh(x)\n"


def _escaped(code):
    """The body of a JSON string holding `code` (without the quotes)."""
    return json.dumps(code)[1:-1]


def test_plain_json():
    r = parse_answer(json.dumps({"jax_code": CODE, "notes": ["tanh is the same"]}))
    assert (r.code, r.notes, r.shape, r.truncated) == (CODE, ["tanh is the same"], "json", False)


@pytest.mark.parametrize("key", ["jax_code", "code", "jax", "translation"])
def test_code_key_aliases(key):
    r = parse_answer(json.dumps({key: CODE}))
    assert r.code == CODE and r.shape == "json" and r.notes == []


def test_notes_aliases_and_string_notes():
    r = parse_answer(json.dumps({"code": CODE, "assumptions": "inputs are float32"}))
    assert r.notes == ["inputs are float32"]
    r = parse_answer(json.dumps({"code": CODE, "notes": ["a", "", 3]}))
    assert r.notes == ["a", "3"]


def test_json_in_fence_with_prose():
    text = "Here is the translation:\n```json\n" + json.dumps({"jax_code": CODE, "notes": []}) + "\n```\nLet me know."
    r = parse_answer(text)
    assert (r.code, r.shape) == (CODE, "fenced-json")


def test_json_preceded_and_followed_by_prose_with_braces():
    text = "Sure {here} it is: " + json.dumps({"translation": CODE, "notes": ["n"]}) + "\nThat's all {."
    r = parse_answer(text)
    assert (r.code, r.notes, r.shape) == (CODE, ["n"], "json-with-text")


def test_raw_newlines_inside_json_string_are_accepted():
    text = '{"jax_code": "' + CODE.replace('"', '\\"') + '", "notes": ["raw"]}'
    r = parse_answer(text)
    assert (r.code, r.notes, r.shape) == (CODE, ["raw"], "json")


def test_truncated_after_code_string_closed():
    text = '{"jax_code": "' + _escaped(CODE) + '", "notes": ["first", "has \\"quotes\\"", "cut of'
    r = parse_answer(text)
    assert r.shape == "truncated-json"
    assert r.code == CODE and r.truncated is False
    assert r.notes == ["first", 'has "quotes"']


def test_truncated_inside_code_string():
    body = _escaped(CODE)
    cut = body.index("return") + len("return jnp.ta")
    r = parse_answer('{"jax_code": "' + body[:cut])
    assert r.shape == "truncated-json" and r.truncated is True
    assert r.code.startswith("import jax.numpy as jnp\n\n\ndef f(x):\n    return jnp.ta")


def test_truncated_inside_an_escape_drops_the_partial_escape():
    r = parse_answer('{"code": "import jax\\nx = 1\\')
    assert (r.code, r.truncated) == ("import jax\nx = 1\n", True)


def test_invalid_json_escape_is_kept_as_written():
    # `\d` is not a JSON escape: strict decoding fails, the string scanner keeps it.
    text = '{"jax_code": "import re\\nPATTERN = re.compile(r\\"\\d+\\")\\n", "notes": []}'
    r = parse_answer(text)
    assert r.code == 'import re\nPATTERN = re.compile(r"\\d+")\n'
    assert r.truncated is False and r.shape == "truncated-json"
    ast.parse(r.code)


def test_unicode_escapes_in_scanned_string():
    r = parse_answer('{"jax_code": "# caf\\u00e9 \\ud83d\\ude00\\nimport jax\\n", "notes": [')
    assert r.code == "# caf\u00e9 \U0001F600\nimport jax\n"


def test_fenced_python_takes_longest_block():
    text = "First a usage example:\n```python\nx = f(1)\n```\nThe module:\n```py\n" + CODE + "```\n"
    r = parse_answer(text)
    assert (r.code, r.shape, r.truncated) == (CODE, "fenced-python", False)


def test_unclosed_python_fence_is_truncated():
    r = parse_answer("```python\n" + CODE)
    assert (r.code, r.shape, r.truncated) == (CODE, "fenced-python", True)


def test_unlabeled_fence_counts_only_when_it_reads_as_code():
    r = parse_answer("```\n" + CODE + "```")
    assert (r.code, r.shape) == (CODE, "fenced-python")
    with pytest.raises(ParseError):
        parse_answer("```\nthis is just prose in a fence\n```")


def test_bare_python():
    r = parse_answer(CODE)
    assert (r.code, r.shape, r.notes) == (CODE, "bare-python", [])


def test_bare_text_that_parses_but_is_not_code_is_refused():
    with pytest.raises(ParseError):
        parse_answer("hello")


def test_literal_backslash_n_escapes_are_undone():
    # The model escaped its newlines twice, so after JSON decoding they are `\n` text.
    r = parse_answer(json.dumps({"jax_code": CODE.replace("\n", "\\n")}))
    assert r.code == CODE and r.shape == "json"


def test_real_backslash_n_inside_string_literal_is_kept():
    code = 'import jax\n\nSEP = "a\\nb"\n'
    r = parse_answer(json.dumps({"jax_code": code}))
    assert r.code == code


def test_python_fence_inside_code_value_is_stripped():
    r = parse_answer(json.dumps({"jax_code": "```python\n" + CODE + "```", "notes": []}))
    assert r.code == CODE


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n ",
        "I'm sorry, I cannot translate this model.",
        '{"notes": ["no code here"]}',
        '{"jax_code": "", "notes": []}',
        '{"jax_code": "   "}',
        "{{{ ]] garbage ::: ```",
        "```python\n\n```",
    ],
)
def test_answers_without_code_raise_one_line_parse_error(text):
    with pytest.raises(ParseError) as info:
        parse_answer(text)
    message = str(info.value)
    assert message.startswith("no code found in the model's answer:")
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


def test_parse_error_quotes_at_most_60_chars_of_the_answer():
    with pytest.raises(ParseError) as info:
        parse_answer("no " * 100)
    quoted = str(info.value).split(": ", 1)[1]
    assert len(quoted.strip("'")) == 60
