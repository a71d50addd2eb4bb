"""Statement-level rewrites: in-place ops, index assignment, `no_grad`, and TODO placeholders.

JAX arrays are immutable, so `x[i] = v` becomes `x = x.at[i].set(v)`,
`x.add_(y)` becomes `x = x + y` (via the rule for `add`), and
`with torch.no_grad():` becomes its body followed by `stop_gradient` on every
name the body bound. Each statement is translated on its own: if anything in it
is unsupported, the original text is kept under a `# TODO(t2j)` comment (see
`render`), and the rest of the function is still translated.

The trade-off: in-place updates are rewritten as rebinding the same name, which
matches PyTorch only when no other name aliases the tensor (note
tensors-inplace-aliasing); an in-place update through an attribute or inside
an expression is reported instead of being rewritten.
"""

from __future__ import annotations

import ast
import copy
import re
import textwrap

from .context import Context, Untranslated, dotted
from .expressions import ExprTranslator
from .registry import Unsupported, call, jexpr

_AT_OPS = {ast.Add: "add", ast.Mult: "multiply", ast.Div: "divide", ast.Pow: "power"}
_DEVICE_MOVES = ("to", "cuda", "cpu", "eval", "train", "float", "double", "half")
_PLACEHOLDER = re.compile(r"^(\s*)__t2j_todo_(\d+)__$", re.M)


class StatementTranslator:
    def __init__(self, ctx: Context, source: str) -> None:
        self.ctx = ctx
        self.lines = source.splitlines()
        self.untranslated: list[Untranslated] = []
        self._kept: list[tuple[str, str, bool]] = []  # (reason, original text, comment out)

    # --- TODO placeholders ------------------------------------------------------------

    def todo(self, node: ast.stmt, construct: str, reason: str, comment_out: bool = False) -> ast.stmt:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        text = textwrap.dedent("\n".join(self.lines[start - 1: node.end_lineno]))
        self.untranslated.append(Untranslated(start, construct, reason))
        self._kept.append((f"{construct}: {reason}", text, comment_out))
        # A bare name, not a string: unparse would turn a leading string into a docstring.
        return ast.Expr(ast.Name(f"__t2j_todo_{len(self._kept) - 1}__", ast.Load()))

    def render(self, module: ast.Module) -> str:
        code = ast.unparse(ast.fix_missing_locations(module))

        def put(m: re.Match) -> str:
            indent, i = m.group(1), int(m.group(2))
            reason, text, comment_out = self._kept[i]
            body = "\n".join(("# " + ln if comment_out else ln) for ln in text.splitlines())
            return textwrap.indent(f"# TODO(t2j): {reason}\n{body}", indent)
        return _PLACEHOLDER.sub(put, code)

    # --- blocks -------------------------------------------------------------------------

    def block(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for s in stmts:
            original = copy.deepcopy(s)
            try:
                out += self.statement(s)
            except Unsupported as exc:
                comment = exc.construct.startswith("torch.nn.init.")
                out.append(self.todo(original, exc.construct, exc.reason, comment_out=comment))
        return out

    def expr(self, node: ast.expr) -> ast.expr:
        return ExprTranslator(self.ctx).visit(node)

    def statement(self, s: ast.stmt) -> list[ast.stmt]:
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
            dropped = self._dropped_call(s.value)
            if dropped:
                return []
            inplace = self._inplace(s.value)
            if inplace is not None:
                return [inplace]
            func = s.value.func
            if isinstance(func, ast.Attribute) and func.attr in ("sort", "reverse") \
                    and not self.ctx.is_torch(func.value):
                # Tensor.sort returns a new tensor; a sort whose result is discarded is a Python list's.
                return [s]
        if isinstance(s, (ast.Return, ast.Assign)) and isinstance(s.value, ast.Call) \
                and isinstance(s.value.func, ast.Attribute) and isinstance(s.value.func.value, ast.Name):
            # `return out.scatter_add_(...)` / `y = x.add_(1)`: update the name, then use it.
            inplace = self._inplace(s.value)
            if inplace is not None:
                s.value = ast.Name(s.value.func.value.id, ast.Load())
                return [inplace, s]
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Subscript):
            return [self._index_assign(s.targets[0], None, s.value)]
        target = s.targets[0] if isinstance(s, ast.Assign) and len(s.targets) == 1 else None
        if self.ctx.in_init and isinstance(target, ast.Attribute) and dotted(target.value) == "self" \
                and target.attr in self.ctx.reassigned and isinstance(s.value, ast.Constant) and s.value.value is None:
            # Flax makes an attribute first set to None static, and then refuses a layer in it.
            s.value = jexpr("nnx.data(None)")
            return [s]
        if isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Subscript):
            return [self._index_assign(s.target, s.op, s.value)]
        if isinstance(s, ast.With):
            return self._with(s)
        if isinstance(s, (ast.If, ast.While)):
            s.test = self.expr(s.test)
            s.body = self.block(s.body) or [ast.Pass()]
            s.orelse = self.block(s.orelse)
            return [s]
        if isinstance(s, ast.For):
            s.iter = self.expr(s.iter)
            s.body = self.block(s.body) or [ast.Pass()]
            s.orelse = self.block(s.orelse)
            return [s]
        if isinstance(s, ast.FunctionDef):
            s.body = self.block(s.body) or [ast.Pass()]
            return [s]
        if isinstance(s, ast.Try):
            s.body = self.block(s.body) or [ast.Pass()]
            for h in s.handlers:
                h.body = self.block(h.body) or [ast.Pass()]
            s.orelse, s.finalbody = self.block(s.orelse), self.block(s.finalbody)
            return [s]
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) \
                and s.value.func.attr in ("register_buffer", "register_parameter") and dotted(s.value.func.value) == "self":
            return [self._register(s.value)]
        return [self.expr_fields(s)]

    def expr_fields(self, s: ast.stmt) -> ast.stmt:
        """Translate every expression directly inside a simple statement."""
        for name, value in ast.iter_fields(s):
            if isinstance(value, ast.expr):
                setattr(s, name, self.expr(value))
            elif isinstance(value, list) and value and isinstance(value[0], ast.expr):
                setattr(s, name, [self.expr(v) for v in value])
        return s

    # --- special statements ---------------------------------------------------------------

    def _dropped_call(self, c: ast.Call) -> bool:
        """super().__init__(), self.to(device) and friends: no JAX counterpart, nothing to keep."""
        f = c.func
        if isinstance(f, ast.Attribute) and f.attr == "__init__" and isinstance(f.value, ast.Call) \
                and isinstance(f.value.func, ast.Name) and f.value.func.id == "super":
            return True
        if isinstance(f, ast.Attribute) and dotted(f.value) == "self" and f.attr in _DEVICE_MOVES:
            return True
        return False

    def _inplace(self, c: ast.Call) -> ast.stmt | None:
        f = c.func
        if not (isinstance(f, ast.Attribute) and f.attr.endswith("_") and not f.attr.endswith("__")):
            return None
        if self.ctx.resolve(f) is not None:
            if (self.ctx.resolve(f) or "").startswith("torch.nn.init."):
                raise Unsupported(self.ctx.resolve(f), "weight initialisation is not translated; the weight converter "
                                                       "or a checkpoint sets the values (note modules-init-functions)")
            return None
        target = f.value
        if not isinstance(target, ast.Name):
            raise Unsupported(f"torch.Tensor.{f.attr}", "an in-place update of something other than a local name")
        name = f.attr[:-1]
        if name == "zero":
            value = call("jnp.zeros_like", target)
        elif name == "fill":
            value = call("jnp.full_like", target, self.expr(c.args[0]))
        elif name == "copy":
            value = call("jnp.broadcast_to", self.expr(c.args[0]), jexpr(f"{target.id}.shape"))
        else:
            value = self.expr(ast.Call(func=ast.Attribute(value=ast.Name(target.id, ast.Load()), attr=name,
                                                          ctx=ast.Load()), args=c.args, keywords=c.keywords))
        return ast.Assign(targets=[ast.Name(target.id, ast.Store())], value=value, lineno=c.lineno)

    def _index_assign(self, target: ast.Subscript, op, value: ast.expr) -> ast.stmt:
        base = target.value
        if not isinstance(base, ast.Name):
            raise Unsupported("torch.Tensor.__setitem__", "index assignment into something other than a local name "
                                                          "(note tensors-index-assignment)")
        index = self.expr(target.slice)
        value = self.expr(value)
        if op is None:
            method = "set"
        elif isinstance(op, ast.Sub):
            method, value = "add", ast.UnaryOp(op=ast.USub(), operand=value)
        elif type(op) in _AT_OPS:
            method = _AT_OPS[type(op)]
        else:
            raise Unsupported("torch.Tensor.__setitem__", f"augmented index assignment with {type(op).__name__}")
        at = ast.Subscript(value=ast.Attribute(value=ast.Name(base.id, ast.Load()), attr="at", ctx=ast.Load()),
                           slice=index, ctx=ast.Load())
        new = ast.Call(func=ast.Attribute(value=at, attr=method, ctx=ast.Load()), args=[value], keywords=[])
        return ast.Assign(targets=[ast.Name(base.id, ast.Store())], value=new, lineno=target.lineno)

    def _with(self, s: ast.With) -> list[ast.stmt]:
        apis = [self.ctx.resolve(i.context_expr.func if isinstance(i.context_expr, ast.Call) else i.context_expr)
                for i in s.items]
        if any(a in ("torch.no_grad", "torch.inference_mode") for a in apis):
            if len(s.items) != 1:
                raise Unsupported("torch.no_grad", "combined with other context managers")
            body = self.block(s.body)
            bound = []
            for stmt in s.body:
                for sub in ast.walk(stmt):
                    if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store) and sub.id not in bound:
                        bound.append(sub.id)
            # Gradients do not flow out of a no_grad block (note tensors-no-grad-detach).
            tail = [ast.parse(f"{n} = jax.lax.stop_gradient({n})").body[0] for n in bound]
            return body + tail
        if any(a is not None for a in apis):
            raise Unsupported(next(a for a in apis if a), "this torch context manager is not handled")
        for item in s.items:
            item.context_expr = self.expr(item.context_expr)
        s.body = self.block(s.body) or [ast.Pass()]
        return [s]

    def _register(self, c: ast.Call) -> ast.stmt:
        if len(c.args) < 2 or not isinstance(c.args[0], ast.Constant):
            raise Unsupported("torch.nn.Module." + c.func.attr, "needs a literal name and a value")
        name, value = c.args[0].value, self.expr(c.args[1])
        if not (isinstance(value, ast.Constant) and value.value is None):
            if c.func.attr == "register_buffer":
                value = call("nnx.Variable", value)
            elif not (isinstance(value, ast.Call) and ast.unparse(value.func) == "nnx.Param"):
                value = call("nnx.Param", value)
        target = ast.Attribute(value=ast.Name("self", ast.Load()), attr=name, ctx=ast.Store())
        return ast.Assign(targets=[target], value=value, lineno=c.lineno)
