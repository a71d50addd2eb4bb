"""Translate PyTorch expressions into jax.numpy / jax.nn expressions.

`ExprTranslator` walks one expression bottom-up. A call is resolved to its
torch API; a code handler (the tables `t2j_rag.rules.handlers` fills: layer
constructors first, then functions or tensor methods) wins, then a data rule
from the corpus notes; any other torch API raises `Unsupported` so the
statement is kept with a TODO marker. Method calls on something that is not a
torch module are treated as tensor methods when a rule or handler knows the name.

The trade-off: no type inference. A method name that tensors and other objects
share (`split`, `max`) is translated as the tensor method, which is right for
model code and caught by verification otherwise; an unknown method on a local
value is reported rather than passed through, unless it is an obvious
container or string method.
"""

from __future__ import annotations

import ast

from .calls import apply_rule
from .context import Context, dotted
from .handlers import FUNCTION_HANDLERS, LAYER_HANDLERS, METHOD_HANDLERS
from .registry import DTYPES, RNGS, Unsupported, call, jexpr

# Methods of Python containers/strings/modules that are never tensor methods.
PASSTHROUGH_METHODS = frozenset({
    "append", "extend", "insert", "pop", "items", "keys", "values", "get", "update", "format", "join",
    "startswith", "endswith", "lower", "upper", "strip", "replace", "copy", "setdefault", "count", "index",
})


class ExprTranslator(ast.NodeTransformer):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # --- names and attributes -----------------------------------------------------

    def visit_Name(self, node: ast.Name) -> ast.AST:
        api = self.ctx.resolve(node)
        if api is not None and isinstance(node.ctx, ast.Load):
            raise Unsupported(api, "a torch name used as a value")
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        api = self.ctx.resolve(node)
        if api is not None:
            name = api.rsplit(".", 1)[1]
            if api.startswith("torch.") and api.count(".") == 1 and name in DTYPES:
                return jexpr(DTYPES[name])
            if api == "torch.pi":
                return jexpr("jnp.pi")
            if api in ("torch.Tensor", "torch.FloatTensor"):
                return jexpr("jax.Array")
            raise Unsupported(api, "a torch attribute with no rule")
        if isinstance(node.value, ast.Name) and node.value.id == "self":
            if node.attr == "training" and isinstance(node.ctx, ast.Load):
                self.ctx.uses_training = True
                return jexpr("(not self.deterministic)")
            if node.attr in self.ctx.params and isinstance(node.ctx, ast.Load) and not self.ctx.in_init:
                return ast.Subscript(value=node, slice=ast.Constant(Ellipsis), ctx=ast.Load())
            return node
        node.value = self.visit(node.value)
        if node.attr in ("data",):
            return node.value
        if node.attr == "mT":
            return call("jnp.swapaxes", node.value, ast.Constant(-2), ast.Constant(-1))
        if node.attr in ("device", "grad", "requires_grad", "is_cuda"):
            raise Unsupported(f"torch.Tensor.{node.attr}", "has no meaning for a JAX array")
        return node

    # --- calls --------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> ast.AST:
        func = node.func
        api = self.ctx.resolve(func)
        receiver = None
        if api is None and isinstance(func, ast.Attribute):
            owner = func.value
            is_self_member = isinstance(owner, ast.Name) and owner.id == "self"
            if not is_self_member and not (isinstance(owner, ast.Name) and owner.id in ("jnp", "jax", "np", "math",
                                                                                      "nnx", "functools")):
                api = f"torch.Tensor.{func.attr}"
                receiver = owner
            elif is_self_member and func.attr == "forward":
                node.func = ast.Attribute(value=owner, attr="__call__", ctx=ast.Load())
        args = [self.visit(a) for a in node.args]
        # `device=x.device` says where PyTorch allocates; JAX arrays need no such argument, and
        # translating the value would fail on `.device`.
        keywords = [ast.keyword(arg=k.arg, value=self.visit(k.value)) for k in node.keywords
                    if not (api is not None and k.arg == "device")]
        if api is None:
            node.func = self.visit(node.func)
            node.args, node.keywords = args, keywords
            ctx = self.ctx
            builds_layers = (isinstance(func, ast.Name) and func.id in ctx.module_classes | ctx.builders) or (
                isinstance(func, ast.Attribute) and dotted(func.value) == "self" and func.attr in ctx.factories)
            if self.ctx.in_init and builds_layers and not any(k.arg == "rngs" for k in keywords):
                node.keywords.append(ast.keyword(arg="rngs", value=ast.Name("rngs", ast.Load())))
            return node
        if receiver is not None:
            name = func.attr
            if name.endswith("_") and not name.startswith("_") and api not in METHOD_HANDLERS \
                    and self.ctx.table.get(api) is None \
                    and not isinstance(receiver, (ast.Name, ast.Attribute, ast.Subscript)):
                # In place on a temporary (`torch.zeros(n).scatter_add_(...)`): nothing else sees the
                # tensor, so the out-of-place form computes the same value.
                name = name[:-1]
                api = f"torch.Tensor.{name}"
            rule = self.ctx.table.get(api)
            if api in METHOD_HANDLERS or rule is not None:
                recv = self.visit(receiver)
                if api in METHOD_HANDLERS:
                    return METHOD_HANDLERS[api](self, [recv, *args], keywords)
                self.ctx.use_rule(rule)
                return apply_rule(api, rule, [recv, *args], keywords)
            if name in PASSTHROUGH_METHODS or isinstance(receiver, (ast.Constant, ast.List, ast.Dict, ast.Tuple)):
                node.func = ast.Attribute(value=self.visit(receiver), attr=name, ctx=ast.Load())
                node.args, node.keywords = args, keywords
                return node
            if name.endswith("_") and not name.startswith("_"):
                raise Unsupported(api, "an in-place method inside an expression (rewrite it as its own statement)")
            raise Unsupported(api, "no rule or handler for this method")
        made = self.construct(api, args, keywords)
        if made is not None:
            return made
        if api in FUNCTION_HANDLERS:
            return FUNCTION_HANDLERS[api](self, args, keywords)
        rule = self.ctx.table.get(api)
        if rule is not None and rule.kind == "call":
            self.ctx.use_rule(rule)
            return apply_rule(api, rule, args, keywords)
        if rule is not None and rule.kind == "activation":
            # nn.ReLU()(x): the module is built and applied on the spot.
            raise Unsupported(api, "a module constructed inside an expression")
        raise Unsupported(api, "no rule or handler for this API")

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node.body = self.visit(node.body)
        return node

    # --- module constructors ----------------------------------------------------------

    def construct(self, api: str, args: list, keywords: list) -> ast.expr | None:
        """The NNX expression for `api(*args, **keywords)` if `api` is a module constructor, else None."""
        made = self._construct(api, args, keywords)
        if made is not None and not self.ctx.in_init and any(
                isinstance(n, ast.Name) and n.id == "rngs" for n in ast.walk(made)):
            raise Unsupported(api, "a layer with parameters constructed outside __init__")
        return made

    def _construct(self, api: str, args: list, keywords: list) -> ast.expr | None:
        if api in LAYER_HANDLERS:
            return LAYER_HANDLERS[api](self, args, keywords)
        rule = self.ctx.table.get(api)
        if rule is None or rule.kind == "call":
            return None
        self.ctx.use_rule(rule)
        if rule.kind == "layer":
            return apply_rule(api, rule, args, keywords, RNGS)
        made = apply_rule(api, rule, args, keywords)
        if not made.args and not made.keywords:
            return made.func
        self.ctx.uses_functools = True
        return ast.Call(func=jexpr("functools.partial"), args=[made.func, *made.args], keywords=made.keywords)
