"""Near-duplicate detection between evaluation cases and corpus entries.

An evaluation case that the retriever could hand to the model verbatim would
measure recall, not translation, so the suite must stay apart from the corpus.
"Near-duplicate" is defined on normalised code:

1. keep the model code only: top-level classes and functions other than the
   `get_inputs` / `get_init_inputs` harness (imports, size constants and the
   harness are the same boilerplate in every KernelBench-style file), minus
   class and def header lines and `super().__init__()` calls (identical in
   every module); tokenize it, dropping comments, docstrings and layout;
2. replace every identifier the file itself defines (classes, functions,
   parameters, assigned names, `self.<attr>` it assigns) by `ID`, numbers by
   `NUM` and strings by `STR`, so renaming and resizing do not hide a copy;
3. keep every other name (`torch`, `nn`, `Conv2d`, `relu`...): they say what
   the code computes;
4. compare the sets of token 5-grams (shingles) with Jaccard similarity;
5. compare the sets of PyTorch APIs the model code calls (`apis.extract_apis`)
   with Jaccard similarity, and multiply the two.

Two files with similarity of `NEAR_DUPLICATE` (0.5) or more are near-duplicates.
The API factor is there because small modules are short: `nn.LayerNorm(ID)` and
`nn.AdaptiveAvgPool2d(ID)` differ in one token, so their shingle sets are close
although they compute different things; with the product, only code that calls
the same operations in the same shape of code scores high (a renamed copy
scores 1.0).
Shingles rather than single tokens, because any two small PyTorch modules
share most of their vocabulary (`class ID(nn.Module): def __init__...`) while
their 5-gram sets only overlap when the statements do. The trade-off: a copy
with its statements reordered or interleaved with new ones can score under the
threshold; it is a guard against accidental overlap, not adversarial reuse.
"""

from __future__ import annotations

import ast
import io
import tokenize

NEAR_DUPLICATE = 0.5
SHINGLE = 5
HARNESS = ("get_inputs", "get_init_inputs")
_LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER,
           tokenize.ENCODING}


def defined_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
    names.discard("self")
    return names - {"forward", "__init__", "__call__", "get_inputs", "get_init_inputs"}


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def _model_lines(tree: ast.Module) -> set[int]:
    """Lines of the top-level classes and functions other than the input harness."""
    lines: set[int] = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.name not in HARNESS:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            lines.update(range(start, node.end_lineno + 1))
    return lines


def _is_super_init(node: ast.AST) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "__init__")


def _boilerplate_lines(tree: ast.Module) -> set[int]:
    """Class and def headers and `super().__init__()`: the same in every module, so no evidence of copying."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            lines.update(range(node.lineno, node.body[0].lineno))
        elif _is_super_init(node):
            lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def normalized_tokens(code: str) -> list[str]:
    """The token stream of `code`'s model code after the normalisation described in the module docstring."""
    tree = ast.parse(code)
    own = defined_names(tree)
    doc = _docstring_lines(tree)
    keep = _model_lines(tree) - _boilerplate_lines(tree)
    out: list[str] = []
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type in _LAYOUT or tok.start[0] not in keep:
            continue
        if tok.type == tokenize.STRING:
            if tok.start[0] in doc:
                continue
            out.append("STR")
        elif tok.type == tokenize.NUMBER:
            out.append("NUM")
        elif tok.type == tokenize.NAME and tok.string in own:
            out.append("ID")
        else:
            out.append(tok.string)
    return out


def model_apis(code: str) -> set[str]:
    """The PyTorch APIs the model code calls (imports kept for alias resolution, the harness dropped)."""
    from ..apis import extract_apis

    tree = ast.parse(code)
    lines = code.splitlines(keepends=True)
    keep = _model_lines(tree) | {n for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
                                 for n in range(node.lineno, node.end_lineno + 1)}
    return set(extract_apis("".join(line for i, line in enumerate(lines, 1) if i in keep)))


def shingles(code: str, n: int = SHINGLE) -> set[tuple[str, ...]]:
    toks = normalized_tokens(code)
    if len(toks) < n:
        return {tuple(toks)}
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if (a or b) else 1.0


class Fingerprint:
    """What `similarity` compares, computed once per file."""

    def __init__(self, code: str):
        self.shingles = shingles(code)
        self.apis = model_apis(code)


def similarity(a: str | Fingerprint, b: str | Fingerprint) -> float:
    """Shingle Jaccard times API-set Jaccard of two Python sources (see the module docstring)."""
    fa = a if isinstance(a, Fingerprint) else Fingerprint(a)
    fb = b if isinstance(b, Fingerprint) else Fingerprint(b)
    return jaccard(fa.shingles, fb.shingles) * jaccard(fa.apis, fb.apis)
