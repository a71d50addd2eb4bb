"""A CodeBLEU-style score of a translation against a reference translation, for Python.

CodeBLEU (Ren et al., 2020) mixes four views of code similarity; this is our
own implementation of that recipe, with no external package:

- `ngram`: BLEU-4 over Python tokens (comments and layout dropped), clipped
  counts, brevity penalty, add-one smoothing for n > 1 so short code is not 0;
- `weighted_ngram`: unigram BLEU where keywords and the framework's API names
  (`jnp`, `nnx`, `jax`, `nn`, `lax`, `optax` and the attribute names after them)
  count `KEYWORD_WEIGHT` times, because getting `nnx.Conv` right matters more
  than naming a local variable the way the reference did;
- `syntax`: the share of the reference's AST subtrees (node types and their
  nesting, identifiers and literals dropped) that also occur in the candidate;
- `dataflow`: the share of the reference's data-flow edges ("in function f,
  the value of variable a flows into variable b") found in the candidate, with
  variables renamed by order of first appearance in their function so naming
  does not matter.

`score = 0.25 * (ngram + weighted_ngram + syntax + dataflow)`, in [0, 1].
Module-level constants the reference does not define are removed from the
candidate first (the assembler copies the PyTorch file's size constants).
A candidate that does not parse gets 0 for syntax and dataflow. The trade-off:
subtree and data-flow matching on Python's own `ast` is coarser than the
original tree-sitter version (no control-flow-aware "comes from" edges), but
needs nothing beyond the standard library and treats every Python file alike.
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import tokenize
from collections import Counter
from dataclasses import asdict, dataclass

KEYWORD_WEIGHT = 5.0
API_ROOTS = {"jax", "jnp", "nnx", "nn", "lax", "optax", "np", "numpy", "flax"}
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER,
         tokenize.ENCODING}


@dataclass
class CodeBLEU:
    score: float
    ngram: float
    weighted_ngram: float
    syntax: float
    dataflow: float

    def to_dict(self) -> dict:
        return {k: round(v, 4) for k, v in asdict(self).items()}


def code_tokens(code: str) -> list[str]:
    """Python tokens without comments and layout; falls back to whitespace splitting for broken code."""
    try:
        return [t.string for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type not in _SKIP]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return code.split()


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _brevity(cand_len: int, ref_len: int) -> float:
    if cand_len == 0:
        return 0.0
    return 1.0 if cand_len > ref_len else math.exp(1 - ref_len / cand_len)


def bleu(candidate: list[str], reference: list[str], max_n: int = 4) -> float:
    if not candidate or not reference:
        return 0.0
    logs = []
    for n in range(1, max_n + 1):
        c, r = _ngrams(candidate, n), _ngrams(reference, n)
        match = sum(min(v, r[g]) for g, v in c.items())
        total = sum(c.values())
        if n > 1:  # add-one smoothing keeps one missing 4-gram from zeroing a short snippet
            match, total = match + 1, total + 1
        if total == 0 or match == 0:
            return 0.0
        logs.append(math.log(match / total))
    return _brevity(len(candidate), len(reference)) * math.exp(sum(logs) / max_n)


def _api_words(tokens: list[str]) -> set[str]:
    """Keywords, API roots, and every name that follows `<api root>.` (nnx.Conv -> Conv)."""
    words = {t for t in tokens if keyword.iskeyword(t) or t in API_ROOTS}
    for i in range(len(tokens) - 2):
        if tokens[i] in API_ROOTS and tokens[i + 1] == ".":
            words.add(tokens[i + 2])
    return words


def weighted_unigram(candidate: list[str], reference: list[str]) -> float:
    if not candidate or not reference:
        return 0.0
    important = _api_words(reference) | _api_words(candidate)  # a wrong API call costs as much as a missing one
    weight = {t: (KEYWORD_WEIGHT if t in important else 1.0) for t in set(candidate) | set(reference)}
    c, r = Counter(candidate), Counter(reference)
    match = sum(weight[t] * min(v, r[t]) for t, v in c.items())
    total = sum(weight[t] * v for t, v in c.items())
    return _brevity(len(candidate), len(reference)) * (match / total if total else 0.0)


def _shape(node: ast.AST) -> str:
    """A node's structure: types and nesting only (names, attributes and constants dropped)."""
    kids = [_shape(k) for k in ast.iter_child_nodes(node) if not isinstance(k, (ast.expr_context, ast.Load))]
    return type(node).__name__ + ("(" + ",".join(kids) + ")" if kids else "")


def subtrees(tree: ast.AST) -> Counter:
    # Leaves carry no structure worth matching (every file has Name nodes).
    return Counter(_shape(n) for n in ast.walk(tree) if any(True for _ in ast.iter_child_nodes(n)))


def syntax_match(cand_tree: ast.AST | None, ref_tree: ast.AST) -> float:
    ref = subtrees(ref_tree)
    if cand_tree is None or not ref:
        return 0.0
    cand = subtrees(cand_tree)
    return sum(min(v, cand[s]) for s, v in ref.items()) / sum(ref.values())


def _names_in(node: ast.AST) -> list[str]:
    out = []
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.append(n.id)
        elif isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self":
            out.append("self." + n.attr)
    return out


def dataflow_edges(tree: ast.AST) -> Counter:
    """(function, source var, target var) edges of assignments and returns, per function.

    Variables are renamed by order of first appearance within their function
    (parameters first), so neither naming nor code outside the function shifts them.
    """
    edges: Counter = Counter()
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        canon: dict[str, str] = {}

        def name(v: str) -> str:
            if v not in canon:
                canon[v] = f"v{len(canon)}"
            return canon[v]

        for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs:
            name(a.arg)
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign):
                value, targets = node.value, [t for tgt in node.targets for t in _names_in(tgt)]
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                value, targets = node.value, _names_in(node.target)
            elif isinstance(node, ast.Return) and node.value is not None:
                value, targets = node.value, ["<return>"]
            else:
                continue
            sources = [name(v) for v in _names_in(value) if v in canon or v.startswith("self.")]
            for t in targets:
                tn = t if t == "<return>" else name(t)
                for src in sources:
                    edges[(fn.name, src, tn)] += 1
    return edges


def dataflow_match(cand_tree: ast.AST | None, ref_tree: ast.AST) -> float:
    ref = dataflow_edges(ref_tree)
    if not ref:
        return 1.0 if cand_tree is not None else 0.0  # nothing to match: no evidence either way
    if cand_tree is None:
        return 0.0
    cand = dataflow_edges(cand_tree)
    return sum(min(v, cand[e]) for e, v in ref.items()) / sum(ref.values())


def _parse(code: str) -> ast.AST | None:
    try:
        return ast.parse(code)
    except SyntaxError:
        return None


def _module_assigned(tree: ast.Module) -> set[str]:
    return {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}


def strip_foreign_constants(candidate: str, ref_tree: ast.Module) -> str:
    """The candidate without module-level assignments of names the reference does not assign.

    `units.assemble` copies the PyTorch file's size constants (`batch_size = 8`)
    into every translation; references leave them out, and they say nothing
    about the translation's quality.
    """
    tree = _parse(candidate)
    if tree is None:
        return candidate
    keep = _module_assigned(ref_tree)
    drop: set[int] = set()
    for n in tree.body:
        if isinstance(n, ast.Assign) and all(isinstance(t, ast.Name) and t.id not in keep for t in n.targets):
            drop.update(range(n.lineno, n.end_lineno + 1))
    return "".join(line for i, line in enumerate(candidate.splitlines(keepends=True), 1) if i not in drop)


def codebleu(candidate: str, reference: str) -> CodeBLEU:
    """Score `candidate` against `reference` (both Python source)."""
    ref_tree = _parse(reference)
    if ref_tree is None:
        raise ValueError("the reference does not parse as Python")
    candidate = strip_foreign_constants(candidate, ref_tree)
    ct, rt = code_tokens(candidate), code_tokens(reference)
    cand_tree = _parse(candidate)
    parts = (bleu(ct, rt), weighted_unigram(ct, rt), syntax_match(cand_tree, ref_tree),
             dataflow_match(cand_tree, ref_tree))
    return CodeBLEU(sum(parts) / 4, *parts)
