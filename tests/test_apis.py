import pytest

from t2j_rag.apis import api_matches, extract_api_keywords, extract_apis
from t2j_rag.errors import InputError


@pytest.mark.parametrize(
    "imports, use, expected",
    [
        ("import torch", "torch.einsum('ij->ji', x)", "torch.einsum"),
        ("import torch.nn as nn", "nn.Linear(3, 4)", "torch.nn.Linear"),
        ("from torch import nn", "nn.Linear(3, 4)", "torch.nn.Linear"),
        ("import torch.nn.functional as F", "F.gelu(x)", "torch.nn.functional.gelu"),
        ("from torch.nn import functional as F", "F.gelu(x)", "torch.nn.functional.gelu"),
        ("from torch.nn import Linear", "Linear(3, 4)", "torch.nn.Linear"),
        ("from torch.optim import AdamW", "AdamW(params)", "torch.optim.AdamW"),
        ("import torch", "torch.optim.lr_scheduler.StepLR(opt, 10)", "torch.optim.lr_scheduler.StepLR"),
        ("from torch.optim.lr_scheduler import StepLR", "StepLR(opt, 10)", "torch.optim.lr_scheduler.StepLR"),
        ("import torch.nn", "torch.nn.init.zeros_(w)", "torch.nn.init.zeros_"),
        ("import torch as T", "T.zeros(3)", "torch.zeros"),
    ],
)
def test_import_aliases_resolve_to_canonical_names(imports, use, expected):
    assert extract_apis(f"{imports}\ny = {use}\n") == [expected]


def test_attribute_references_count_not_only_calls():
    apis = extract_apis("import torch\nx = y.to(torch.float16)\nz = torch.pi\n")
    assert apis == ["torch.Tensor.to", "torch.float16", "torch.pi"]


def test_nested_chains_record_only_the_full_name():
    # `torch.nn.functional.gelu` must not also yield `torch.nn` or `torch.nn.functional`.
    assert extract_apis("import torch\ny = torch.nn.functional.gelu(x)\n") == ["torch.nn.functional.gelu"]


def test_method_calls_on_expressions_are_tensor_methods():
    src = "import torch\ndef f(x, h, t):\n    t.add_(1)\n    return x.view(2, -1), h.std(dim=1), torch.randn(3).sum()\n"
    assert extract_apis(src) == [
        "torch.Tensor.add_",
        "torch.Tensor.std",
        "torch.Tensor.sum",
        "torch.Tensor.view",
        "torch.randn",
    ]


MODEL = """
import math
import numpy as np
import torch
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, d)
        self.parts = []
        self.register_buffer("mask", torch.ones(d))
        self.parts.append(1)

    def forward(self, x):
        self.eval()
        h = self.fc(x)
        h = self.helper(h)
        print(", ".join(["a", "b"]), math.sqrt(2.0), np.zeros(3).sum())
        with torch.no_grad():
            y = h.detach()
        return y
"""


def test_self_calls_subclassing_and_no_grad():
    apis = extract_apis(MODEL)
    assert apis == [
        "torch.Tensor.detach",
        "torch.nn.Linear",
        "torch.nn.Module",
        "torch.nn.Module.eval",
        "torch.nn.Module.register_buffer",
        "torch.no_grad",
        "torch.ones",
    ]
    # self.fc(x), self.helper(h), list/str methods and numpy/math calls yield nothing.
    assert not any(a.endswith((".fc", ".helper", ".append", ".join", ".sqrt")) for a in apis)


def test_simple_assignments_type_optimizers_schedulers_and_models():
    src = """
import torch
from torch.optim import AdamW
from torch.optim.lr_scheduler import StepLR

class Net(torch.nn.Module):
    pass

def train(data):
    model = Net()
    opt = AdamW(model.parameters(), lr=1e-3)
    sched = StepLR(opt, step_size=2)
    model.train()
    model.custom()
    for x in data:
        loss = model(x).mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
        sched.step()
"""
    assert extract_apis(src) == [
        "torch.Tensor.backward",
        "torch.Tensor.mean",
        "torch.nn.Module",
        "torch.nn.Module.parameters",
        "torch.nn.Module.train",
        "torch.optim.AdamW",
        "torch.optim.Optimizer.step",
        "torch.optim.Optimizer.zero_grad",
        "torch.optim.lr_scheduler.LRScheduler.step",
        "torch.optim.lr_scheduler.StepLR",
    ]


def test_autograd_function_ctx_and_apply():
    src = """
import torch

class Clip(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

y = Clip.apply(torch.zeros(2))
"""
    assert extract_apis(src) == [
        "torch.Tensor.clamp",
        "torch.autograd.Function",
        "torch.autograd.Function.apply",
        "torch.autograd.function.FunctionCtx.save_for_backward",
        "torch.zeros",
    ]


def test_code_without_torch_yields_nothing():
    assert extract_apis("import numpy as np\nx = np.ones(3).sum()\nprint('a'.upper())\n") == []


def test_unresolved_names_are_not_torch():
    # `nn` was never imported here, so nn.Linear is not known to be torch's.
    assert extract_apis("y = nn.Linear(3, 4)\n") == []


def test_keywords_per_api():
    src = "import torch.nn.functional as F\ndef f(h, x):\n    return h.std(unbiased=False, dim=1), F.gelu(x, approximate='tanh'), F.relu(x)\n"
    assert extract_api_keywords(src) == {
        "torch.Tensor.std": ["dim", "unbiased"],
        "torch.nn.functional.gelu": ["approximate"],
    }


def test_syntax_error_is_input_error_on_one_line():
    with pytest.raises(InputError) as info:
        extract_apis("def f(:\n    pass\n")
    assert "line 1" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "pattern, api, expected",
    [
        ("torch.nn.Linear", "torch.nn.Linear", True),
        ("torch.nn.Linear", "torch.nn.LinearX", False),
        ("torch.Tensor.*_", "torch.Tensor.add_", True),
        ("torch.Tensor.*_", "torch.Tensor.add", False),
        ("torch.nn.functional.*", "torch.nn.functional.gelu", True),
        ("torch.nn.functional.*", "torch.nn.GELU", False),
        ("torch.Tensor.std", "torch.tensor.std", False),
    ],
)
def test_api_matches(pattern, api, expected):
    assert api_matches(pattern, api) is expected
