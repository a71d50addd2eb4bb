"""Convolutions: the nn.ConvNd / nn.ConvTransposeNd constructors and the functional F.convNd /
F.conv_transposeNd with explicit weights.

The modules become `ConvNCHW` / `ConvTransposeNCHW` (or `ConvPaddedNCHW` for a non-zero
padding_mode), runtime helpers that subclass the Flax layer so the weight converter finds
`kernel` / `bias` (note layers-conv-padding); the functional forms call `t2j_conv` /
`t2j_conv_transpose`, which take PyTorch's weight layout.

The trade-off: options with no Flax counterpart (grouped ConvTranspose, padding_mode on a
ConvTranspose, string padding on conv_transpose) are reported untranslated rather than emulated.
"""

from __future__ import annotations

import ast

from ..registry import RNGS, Unsupported, bind, call, literal, need, register

NN = "torch.nn."
F = "torch.nn.functional."


def _conv_module(nd: int, transpose: bool):
    api = f"{NN}{'ConvTranspose' if transpose else 'Conv'}{nd}d"
    params = (["in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "groups", "bias",
               "dilation", "padding_mode"] if transpose else
              ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias",
               "padding_mode"])

    def handler(tr, args, keywords):
        # `**kwargs` forwarded by a wrapper (Inception's BasicConv2d) goes on to the helper, which takes
        # PyTorch's parameter names; a name it does not take fails loudly when the module is built.
        splats = [k for k in keywords if k.arg is None]
        b = bind(api, params, args, [k for k in keywords if k.arg is not None], drop=("device", "dtype"))
        if splats and transpose:
            raise Unsupported(api, "**kwargs passed to a ConvTranspose is not handled")
        mode = literal(b.pop("padding_mode", ast.Constant("zeros")))
        if mode != "zeros":
            if transpose or mode not in ("reflect", "replicate", "circular"):
                raise Unsupported(api, f"padding_mode={mode!r} is not handled: only 'zeros', and for ConvNd "
                                       "'reflect', 'replicate', 'circular' (note layers-conv-padding)")
            # Pad explicitly with the mode, then convolve unpadded; the helper is still an nnx.Conv (kernel/bias).
            need(tr, "ConvPaddedNCHW")
            made = call("ConvPaddedNCHW", **b, padding_mode=ast.Constant(mode), ndim=ast.Constant(nd), **RNGS)
            made.keywords += splats
            return made
        if transpose and literal(b.get("groups", ast.Constant(1))) != 1:
            raise Unsupported(api, "grouped ConvTranspose has no nnx.ConvTranspose counterpart")
        helper = "ConvTransposeNCHW" if transpose else "ConvNCHW"
        need(tr, helper)
        made = call(helper, **b, ndim=ast.Constant(nd), **RNGS)
        made.keywords += splats
        return made
    return handler


def _conv_function(nd: int, transpose: bool):
    api = f"{F}conv_transpose{nd}d" if transpose else f"{F}conv{nd}d"
    params = (["input", "weight", "bias", "stride", "padding", "output_padding", "groups", "dilation"] if transpose
              else ["input", "weight", "bias", "stride", "padding", "dilation", "groups"])

    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords, drop=())
        if "weight" not in b:
            raise Unsupported(api, "the weight argument is required")
        pad = literal(b.get("padding", ast.Constant(0)))
        if isinstance(pad, str) and pad not in ("same", "valid"):
            raise Unsupported(api, f"padding={pad!r} is not a PyTorch padding string")
        if transpose and isinstance(pad, str):
            raise Unsupported(api, "string padding is not accepted by conv_transpose")
        helper = "t2j_conv_transpose" if transpose else "t2j_conv"
        need(tr, helper)
        return call(helper, b.pop("input"), b.pop("weight"), **b)
    return handler


for _nd in (1, 2, 3):
    register(f"{NN}Conv{_nd}d")(_conv_module(_nd, False))
    register(f"{NN}ConvTranspose{_nd}d")(_conv_module(_nd, True))
    register(f"{F}conv{_nd}d")(_conv_function(_nd, False))
    register(f"{F}conv_transpose{_nd}d")(_conv_function(_nd, True))
