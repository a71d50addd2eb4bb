"""`torch.nn` module constructors (inside `__init__`) and how each becomes a Flax NNX object.

Simple layers (Linear, BatchNorm, LayerNorm, Dropout, Embedding, activation
modules) are data rules in the corpus notes; this module handles the rest:
channels-first convolutions and norms (helper subclasses of the Flax layer, so
the weight converter sees `kernel`/`bias`/`scale`), pooling and adaptive
pooling (parameter-free helper modules), containers and `nn.Parameter`.
Recurrent, attention and encoder layers are in `sequence.py`.

The trade-off: every layer keeps its PyTorch attribute name and position, and
layout transposes live inside the helpers rather than in `__call__`, so the
translated forward reads like the original at the cost of a few helper classes.
"""

from __future__ import annotations

import ast

from .calls import _MISSING, apply_rule, literal
from .context import Unsupported
from .expressions import call, jexpr
from .special import _bind, _need

LAYER_HANDLERS: dict = {}
NN = "torch.nn."
RNGS = {"rngs": ast.Name("rngs", ast.Load())}


def _conv(nd: int, transpose: bool):
    api = f"{NN}{'ConvTranspose' if transpose else 'Conv'}{nd}d"
    params = (["in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "groups", "bias",
               "dilation", "padding_mode"] if transpose else
              ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias",
               "padding_mode"])

    def handler(tr, args, keywords):
        # `**kwargs` forwarded by a wrapper (Inception's BasicConv2d) goes on to the helper, which takes
        # PyTorch's parameter names; a name it does not take fails loudly when the module is built.
        splats = [k for k in keywords if k.arg is None]
        b = _bind(api, params, args, [k for k in keywords if k.arg is not None], drop=("device", "dtype"))
        if splats and transpose:
            raise Unsupported(api, "**kwargs passed to a ConvTranspose is not handled")
        mode = literal(b.pop("padding_mode", ast.Constant("zeros")))
        if mode != "zeros":
            if transpose or mode not in ("reflect", "replicate", "circular"):
                raise Unsupported(api, f"padding_mode={mode!r} is not handled: only 'zeros', and for ConvNd "
                                       "'reflect', 'replicate', 'circular' (note layers-conv-padding)")
            # Pad explicitly with the mode, then convolve unpadded; the helper is still an nnx.Conv (kernel/bias).
            _need(tr, "ConvPaddedNCHW")
            made = call("ConvPaddedNCHW", **b, padding_mode=ast.Constant(mode), ndim=ast.Constant(nd), **RNGS)
            made.keywords += splats
            return made
        if transpose and literal(b.get("groups", ast.Constant(1))) != 1:
            raise Unsupported(api, "grouped ConvTranspose has no nnx.ConvTranspose counterpart")
        helper = "ConvTransposeNCHW" if transpose else "ConvNCHW"
        _need(tr, helper)
        made = call(helper, **b, ndim=ast.Constant(nd), **RNGS)
        made.keywords += splats
        return made
    return handler


def _pool(kind: str, nd: int):
    api = f"{NN}{'MaxPool' if kind == 'max' else 'AvgPool'}{nd}d"
    params = (["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"] if kind == "max"
              else ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"])

    def handler(tr, args, keywords):
        b = _bind(api, params, args, keywords)
        if literal(b.pop("return_indices", ast.Constant(False))) is not False:
            raise Unsupported(api, "return_indices=True is not handled")
        _need(tr, "Pool")
        return call("Pool", ast.Constant(kind), ast.Constant(nd), **b)
    return handler


def _adaptive(kind: str, nd: int):
    api = f"{NN}Adaptive{'Max' if kind == 'max' else 'Avg'}Pool{nd}d"

    def handler(tr, args, keywords):
        b = _bind(api, ["output_size", "return_indices"], args, keywords)
        if literal(b.pop("return_indices", ast.Constant(False))) is not False:
            raise Unsupported(api, "return_indices=True is not handled")
        _need(tr, "AdaptivePool")
        return call("AdaptivePool", ast.Constant(kind), ast.Constant(nd), b["output_size"])
    return handler


for _nd in (1, 2, 3):
    LAYER_HANDLERS[f"{NN}Conv{_nd}d"] = _conv(_nd, False)
    LAYER_HANDLERS[f"{NN}ConvTranspose{_nd}d"] = _conv(_nd, True)
    for _k in ("max", "avg"):
        LAYER_HANDLERS[f"{NN}{'MaxPool' if _k == 'max' else 'AvgPool'}{_nd}d"] = _pool(_k, _nd)
        LAYER_HANDLERS[f"{NN}Adaptive{'Max' if _k == 'max' else 'Avg'}Pool{_nd}d"] = _adaptive(_k, _nd)


def _group_norm(tr, args, keywords):
    b = _bind(NN + "GroupNorm", ["num_groups", "num_channels", "eps", "affine"], args, keywords, drop=("device", "dtype"))
    _need(tr, "GroupNormNCHW")
    return call("GroupNormNCHW", **b, **RNGS)


LAYER_HANDLERS[NN + "GroupNorm"] = _group_norm


def _instance_norm(nd: int):
    api = f"{NN}InstanceNorm{nd}d"

    def handler(tr, args, keywords):
        b = _bind(api, ["num_features", "eps", "momentum", "affine", "track_running_stats"], args, keywords,
                  drop=("device", "dtype"))
        if literal(b.pop("track_running_stats", ast.Constant(False))) is not False:
            raise Unsupported(api, "track_running_stats=True is not handled (note modules-instancenorm-defaults)")
        b.pop("momentum", None)  # only used with running statistics
        _need(tr, "GroupNormNCHW")
        n = b.pop("num_features")
        # InstanceNorm is GroupNorm with one channel per group; PyTorch's default is affine=False.
        return call("GroupNormNCHW", n, n, **b, **({} if "affine" in b else {"affine": ast.Constant(False)}), **RNGS)
    return handler


for _nd in (1, 2, 3):
    LAYER_HANDLERS[f"{NN}InstanceNorm{_nd}d"] = _instance_norm(_nd)


def _flatten(tr, args, keywords):
    b = _bind(NN + "Flatten", ["start_dim", "end_dim"], args, keywords)
    _need(tr, "t2j_flatten")
    tr.ctx.uses_functools = True
    return call("functools.partial", jexpr("t2j_flatten"), start_dim=b.get("start_dim", ast.Constant(1)),
                end_dim=b.get("end_dim", ast.Constant(-1)))


def _identity(tr, args, keywords):
    _need(tr, "t2j_identity")
    return jexpr("t2j_identity")


def _sequential(tr, args, keywords):
    if keywords or (len(args) == 1 and isinstance(args[0], ast.Call) and "OrderedDict" in ast.unparse(args[0].func)):
        raise Unsupported(NN + "Sequential", "an OrderedDict of named layers is not handled (note modules-sequential)")
    return call("nnx.Sequential", *args)


def _module_list(tr, args, keywords):
    return call("nnx.List", *(args or [ast.List(elts=[], ctx=ast.Load())]))


def _parameter(tr, args, keywords):
    b = _bind(NN + "Parameter", ["data", "requires_grad"], args, keywords)
    if literal(b.get("requires_grad", ast.Constant(True))) is False:
        return call("nnx.Variable", b["data"])
    return call("nnx.Param", b["data"])


LAYER_HANDLERS.update({NN + "Flatten": _flatten, NN + "Identity": _identity, NN + "Sequential": _sequential,
                       NN + "ModuleList": _module_list, NN + "Parameter": _parameter})


def construct(tr, api: str, args: list, keywords: list) -> ast.expr | None:
    """The NNX expression for `api(*args, **keywords)` if `api` is a module constructor, else None."""
    made = _construct(tr, api, args, keywords)
    if made is not None and not tr.ctx.in_init and any(
            isinstance(n, ast.Name) and n.id == "rngs" for n in ast.walk(made)):
        raise Unsupported(api, "a layer with parameters constructed outside __init__")
    return made


def _construct(tr, api: str, args: list, keywords: list) -> ast.expr | None:
    if api in LAYER_HANDLERS:
        return LAYER_HANDLERS[api](tr, args, keywords)
    rule = tr.ctx.table.get(api)
    if rule is None or rule.kind == "call":
        return None
    tr.ctx.use_rule(rule)
    if rule.kind == "layer":
        return apply_rule(api, rule, args, keywords, RNGS)
    made = apply_rule(api, rule, args, keywords)
    if not made.args and not made.keywords:
        return made.func
    tr.ctx.uses_functools = True
    return ast.Call(func=jexpr("functools.partial"), args=[made.func, *made.args], keywords=made.keywords)


def is_literal(node) -> bool:
    return literal(node) is not _MISSING


from . import channels as _channels  # noqa: E402,F401  (registers PReLU and Upsample; imports LAYER_HANDLERS)
from . import sequence as _sequence  # noqa: E402,F401  (recurrent layers, attention, encoder layers)
from . import layers_more as _layers_more  # noqa: E402,F401  (padding modules, functional conv, ...)
