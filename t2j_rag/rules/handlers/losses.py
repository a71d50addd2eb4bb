"""Handlers for PyTorch's losses and distances, functional and module forms: `F.cross_entropy` /
`nn.CrossEntropyLoss`, `F.nll_loss`, the BCE pair, regression losses, margin and embedding losses,
`F.kl_div`, the Poisson / Gaussian NLLs, `F.cosine_similarity`, `F.pairwise_distance`, `torch.cdist`,
`torch.dist` and `F.pdist`.

Every API maps to one helper in `runtime/losses.py` or `runtime/distances.py` that keeps PyTorch's
parameter names, so a handler only binds the arguments (PyTorch's positional order), refuses what it
cannot reproduce and passes the rest through by keyword. A parameter-free loss module becomes
`functools.partial(helper, **options)`, which the unchanged call site `self.criterion(out, y)` calls;
a module given a `weight` / `pos_weight` tensor (a buffer in PyTorch) becomes `LossWithBuffers`, which
keeps the tensor under the same attribute name for the weight converter (notes rules-losses,
rules-distances).

The trade-off: the deprecated `size_average` / `reduce` arguments are reported untranslated (their
legacy mapping to `reduction` is a trap the user should resolve in the source), and a literal option
PyTorch itself rejects is reported rather than passed on.
"""

from __future__ import annotations

import ast

from ..registry import MISSING, Unsupported, bind, call, is_none, jexpr, literal, need, partial, register

F = "torch.nn.functional."
NN = "torch.nn."
DEPRECATED = ("size_average", "reduce")
REDUCTIONS = ("mean", "sum", "none")

# functional name -> (PyTorch's parameters in order, how many are tensors passed positionally)
FUNCTIONAL = {
    "cross_entropy": (["input", "target", "weight", "size_average", "ignore_index", "reduce", "reduction",
                       "label_smoothing"], 2),
    "nll_loss": (["input", "target", "weight", "size_average", "ignore_index", "reduce", "reduction"], 2),
    "binary_cross_entropy": (["input", "target", "weight", "size_average", "reduce", "reduction"], 2),
    "binary_cross_entropy_with_logits": (["input", "target", "weight", "size_average", "reduce", "reduction",
                                          "pos_weight"], 2),
    "mse_loss": (["input", "target", "size_average", "reduce", "reduction", "weight"], 2),
    "l1_loss": (["input", "target", "size_average", "reduce", "reduction", "weight"], 2),
    "smooth_l1_loss": (["input", "target", "size_average", "reduce", "reduction", "beta"], 2),
    "huber_loss": (["input", "target", "reduction", "delta", "weight"], 2),
    "kl_div": (["input", "target", "size_average", "reduce", "reduction", "log_target"], 2),
    "soft_margin_loss": (["input", "target", "size_average", "reduce", "reduction"], 2),
    "margin_ranking_loss": (["input1", "input2", "target", "margin", "size_average", "reduce", "reduction"], 3),
    "hinge_embedding_loss": (["input", "target", "margin", "size_average", "reduce", "reduction"], 2),
    "cosine_embedding_loss": (["input1", "input2", "target", "margin", "size_average", "reduce", "reduction"], 3),
    "triplet_margin_loss": (["anchor", "positive", "negative", "margin", "p", "eps", "swap", "size_average",
                             "reduce", "reduction"], 3),
    "poisson_nll_loss": (["input", "target", "log_input", "full", "size_average", "eps", "reduce", "reduction"], 2),
    "gaussian_nll_loss": (["input", "target", "var", "full", "eps", "reduction"], 3),
    "multilabel_soft_margin_loss": (["input", "target", "weight", "size_average", "reduce", "reduction"], 2),
    "multi_margin_loss": (["input", "target", "p", "margin", "weight", "size_average", "reduce", "reduction"], 2),
    "multilabel_margin_loss": (["input", "target", "size_average", "reduce", "reduction"], 2),
}

# module name -> (functional it applies, constructor parameters in order, names PyTorch keeps as buffers)
MODULES = {
    "CrossEntropyLoss": ("cross_entropy", ["weight", "size_average", "ignore_index", "reduce", "reduction",
                                           "label_smoothing"], ("weight",)),
    "NLLLoss": ("nll_loss", ["weight", "size_average", "ignore_index", "reduce", "reduction"], ("weight",)),
    "BCELoss": ("binary_cross_entropy", ["weight", "size_average", "reduce", "reduction"], ("weight",)),
    "BCEWithLogitsLoss": ("binary_cross_entropy_with_logits", ["weight", "size_average", "reduce", "reduction",
                                                               "pos_weight"], ("weight", "pos_weight")),
    "MSELoss": ("mse_loss", ["size_average", "reduce", "reduction"], ()),
    "L1Loss": ("l1_loss", ["size_average", "reduce", "reduction"], ()),
    "SmoothL1Loss": ("smooth_l1_loss", ["size_average", "reduce", "reduction", "beta"], ()),
    "HuberLoss": ("huber_loss", ["reduction", "delta"], ()),
    "KLDivLoss": ("kl_div", ["size_average", "reduce", "reduction", "log_target"], ()),
    "SoftMarginLoss": ("soft_margin_loss", ["size_average", "reduce", "reduction"], ()),
    "MarginRankingLoss": ("margin_ranking_loss", ["margin", "size_average", "reduce", "reduction"], ()),
    "HingeEmbeddingLoss": ("hinge_embedding_loss", ["margin", "size_average", "reduce", "reduction"], ()),
    "CosineEmbeddingLoss": ("cosine_embedding_loss", ["margin", "size_average", "reduce", "reduction"], ()),
    "TripletMarginLoss": ("triplet_margin_loss", ["margin", "p", "eps", "swap", "size_average", "reduce",
                                                  "reduction"], ()),
    "PoissonNLLLoss": ("poisson_nll_loss", ["log_input", "full", "size_average", "eps", "reduce", "reduction"], ()),
    "GaussianNLLLoss": ("gaussian_nll_loss", ["full", "eps", "reduction"], ()),
    "MultiLabelSoftMarginLoss": ("multilabel_soft_margin_loss", ["weight", "size_average", "reduce", "reduction"],
                                 ("weight",)),
    "MultiMarginLoss": ("multi_margin_loss", ["p", "margin", "weight", "size_average", "reduce", "reduction"],
                        ("weight",)),
    "MultiLabelMarginLoss": ("multilabel_margin_loss", ["size_average", "reduce", "reduction"], ()),
    # distances: forward(x1, x2), no reduction
    "CosineSimilarity": ("cosine_similarity", ["dim", "eps"], ()),
    "PairwiseDistance": ("pairwise_distance", ["p", "eps", "keepdim"], ()),
}

DISTANCES = {
    "cosine_similarity": (["x1", "x2", "dim", "eps"], 2),
    "pairwise_distance": (["x1", "x2", "p", "eps", "keepdim"], 2),
    "pdist": (["input", "p"], 1),
}


def _check_options(api: str, name: str, b: dict) -> None:
    """Refuse the deprecated arguments and literal option values PyTorch itself would reject."""
    for opt in DEPRECATED:
        if opt in b and not is_none(b[opt]):
            raise Unsupported(api, f"the deprecated {opt}= argument is not translated; replace size_average/reduce "
                                   "by the equivalent reduction= in the source (note rules-losses)")
        b.pop(opt, None)
    allowed = REDUCTIONS + (("batchmean",) if name == "kl_div" else ())
    red = literal(b["reduction"]) if "reduction" in b else "mean"
    if red is not MISSING and red not in allowed:
        raise Unsupported(api, f"reduction={red!r} is not one of {', '.join(allowed)} (note rules-losses)")
    if name == "multi_margin_loss" and literal(b.get("p", ast.Constant(1))) not in (1, 2, MISSING):
        raise Unsupported(api, "PyTorch's multi_margin_loss only supports p=1 or p=2 (note rules-losses)")


def _functional(name: str, params: list[str], n_inputs: int, api: str):
    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords, drop=())
        _check_options(api, name, b)
        missing = [p for p in params[:n_inputs] if p not in b]
        if missing:
            raise Unsupported(api, f"missing argument(s) {', '.join(missing)}")
        helper = "t2j_" + name
        need(tr, helper)
        inputs = [b.pop(p) for p in params[:n_inputs]]
        return call(helper, *inputs, **b)
    return handler


for _name, (_params, _n) in FUNCTIONAL.items():
    register(F + _name)(_functional(_name, _params, _n, F + _name))
for _name, (_params, _n) in DISTANCES.items():
    register(F + _name, "torch." + _name)(_functional(_name, _params, _n, F + _name))


def _module(cls: str, name: str, params: list[str], buffers: tuple[str, ...]):
    api = NN + cls

    def handler(tr, args, keywords):
        b = bind(api, params, args, keywords, drop=("device", "dtype"))
        _check_options(api, name, b)
        helper = "t2j_" + name
        need(tr, helper)
        tensors = {k: b.pop(k) for k in buffers if k in b and not is_none(b[k])}
        for k in buffers:
            b.pop(k, None)  # an explicit None is PyTorch's default
        if tensors:
            # PyTorch registers weight / pos_weight as buffers: keep them as variables of the same name
            need(tr, "LossWithBuffers")
            held = ast.Dict(keys=[ast.Constant(k) for k in buffers],
                            values=[tensors.get(k, ast.Constant(None)) for k in buffers])
            return call("LossWithBuffers", jexpr(helper), held, **b)
        return partial(tr, helper, **b)
    return handler


for _cls, (_name, _params, _buffers) in MODULES.items():
    register(NN + _cls)(_module(_cls, _name, _params, _buffers))


@register("torch.cdist")
def _cdist(tr, args, keywords):
    api = "torch.cdist"
    b = bind(api, ["x1", "x2", "p", "compute_mode"], args, keywords, drop=())
    # compute_mode only picks the matmul shortcut for p=2, which changes rounding, not the value
    b.pop("compute_mode", None)
    need(tr, "t2j_cdist")
    return call("t2j_cdist", b.pop("x1"), b.pop("x2"), **b)


@register("torch.dist", "torch.Tensor.dist")
def _dist(tr, args, keywords):
    b = bind("torch.dist", ["input", "other", "p"], args, keywords, drop=())
    # the p-norm of the broadcast difference, flattened: vector_norm with no axis does exactly that
    diff = ast.BinOp(left=b["input"], op=ast.Sub(), right=b["other"])
    return call("jnp.linalg.vector_norm", diff, **({"ord": b["p"]} if "p" in b else {}))
