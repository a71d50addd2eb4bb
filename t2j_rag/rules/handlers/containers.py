"""Containers and parameters: nn.Sequential, nn.ModuleList, nn.ModuleDict, nn.ParameterList,
nn.ParameterDict, nn.Parameter and nn.Identity.

Each becomes its Flax counterpart (nnx.Sequential, nnx.List, nnx.Dict, nnx.Param; a buffer-like
`requires_grad=False` parameter becomes nnx.Variable), so attribute paths stay those of the PyTorch
model and the weight converter can walk them (note modules-sequential).

The trade-off: nn.Sequential built from an OrderedDict of named layers is reported untranslated:
nnx.Sequential indexes its layers by position, and the names would be lost silently.
"""

from __future__ import annotations

import ast

from ..registry import Unsupported, bind, call, jexpr, literal, need, register

NN = "torch.nn."


@register(NN + "Sequential")
def _sequential(tr, args, keywords):
    if keywords or (len(args) == 1 and isinstance(args[0], ast.Call) and "OrderedDict" in ast.unparse(args[0].func)):
        raise Unsupported(NN + "Sequential", "an OrderedDict of named layers is not handled (note modules-sequential)")
    return call("nnx.Sequential", *args)


@register(NN + "ModuleList")
def _module_list(tr, args, keywords):
    return call("nnx.List", *(args or [ast.List(elts=[], ctx=ast.Load())]))


@register(NN + "ModuleDict")
def _module_dict(tr, args, keywords):
    b = bind(NN + "ModuleDict", ["modules"], args, keywords, drop=())
    if "modules" not in b:
        return call("nnx.Dict")
    # nnx.Dict keeps insertion order like nn.ModuleDict, and accepts a mapping or (key, module) pairs.
    return call("nnx.Dict", b["modules"])


def _param_container(api: str, name: str):
    def handler(tr, args, keywords):
        b = bind(api, [name], args, keywords, drop=())
        need(tr, "t2j_param_container")
        return call("t2j_param_container", *([b[name]] if name in b else []))
    return handler


register(NN + "ParameterList")(_param_container(NN + "ParameterList", "values"))
register(NN + "ParameterDict")(_param_container(NN + "ParameterDict", "parameters"))


@register(NN + "Parameter")
def _parameter(tr, args, keywords):
    b = bind(NN + "Parameter", ["data", "requires_grad"], args, keywords)
    if literal(b.get("requires_grad", ast.Constant(True))) is False:
        return call("nnx.Variable", b["data"])
    return call("nnx.Param", b["data"])


@register(NN + "Identity")
def _identity(tr, args, keywords):
    need(tr, "t2j_identity")
    return jexpr("t2j_identity")
