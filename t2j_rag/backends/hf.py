"""The `hf` backend: a local transformers causal LM, 4-bit NF4 quantized by default.

4-bit NF4 with double quantization lets a 7B instruct model run in about 5 GB
of GPU memory, at a small cost in answer quality against bf16; `quantize="none"`
loads float32 weights instead (slow, for debugging on CPU). Nothing heavy
happens at construction: the config is read when `context_window` is first
asked for, the tokenizer when tokens are first counted, and the weights on the
first `generate` (or an explicit `load()`).

Chat prompts go through the tokenizer's own chat template. Some templates
(Mistral's among them, depending on the version) reject a system message;
when the template raises on one, system messages are folded into the first
user message, joined to it by a blank line.
"""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path
from typing import Any

from t2j_rag.backends.base import Backend, Completion, Request
from t2j_rag.errors import BackendError

# Configs of long-context models advertise windows (128k+) that a 4-bit model
# on one consumer GPU cannot actually fill; prompts are budgeted against this cap.
MAX_CONTEXT_WINDOW = 32768
QUANTIZE_CHOICES = ("4bit", "none")
COMPUTE_DTYPES = ("bfloat16", "float16")
SYSTEM_JOIN = "\n\n"
_TRUTHY = {"1", "true", "yes", "on"}


def hub_offline() -> bool:
    """True when the environment forbids reaching the Hugging Face Hub."""
    return any(os.environ.get(var, "").strip().lower() in _TRUTHY for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def fold_system_messages(messages: list[dict]) -> list[dict]:
    """Move every system message's content into the first user message.

    The system text comes first, then a blank line, then the user text. Without
    a user message the system text becomes one, so the prompt is never lost.
    """
    system = [m["content"] for m in messages if m["role"] == "system"]
    rest = [dict(m) for m in messages if m["role"] != "system"]
    if not system:
        return rest
    prefix = SYSTEM_JOIN.join(system)
    for message in rest:
        if message["role"] == "user":
            message["content"] = prefix + SYSTEM_JOIN + message["content"]
            return rest
    return [{"role": "user", "content": prefix}, *rest]


def _require(module: str, hint: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise BackendError(f"hf backend needs {module}, which is not installed: {hint}")


def _stop_criteria(tokenizer, stop: list[str], prompt_len: int):
    """Stop once the decoded tail of the output contains a stop string.

    transformers' own `stop_strings` needs a tokenizer vocabulary it can
    analyse and fails on some (e.g. word-level ones); decoding a short tail each
    step works with any tokenizer. The tail is long enough for a stop string to
    fit even when tokens are as short as half a character (byte fallback).
    """
    from transformers import StoppingCriteria, StoppingCriteriaList

    tail = 2 * max(len(s) for s in stop) + 8

    class _StopOnText(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            import torch

            done = [
                any(s in tokenizer.decode(row[prompt_len:][-tail:].tolist(), skip_special_tokens=True) for s in stop)
                for row in input_ids
            ]
            return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    return StoppingCriteriaList([_StopOnText()])


class HFBackend(Backend):
    """transformers AutoModelForCausalLM + AutoTokenizer, loaded on first use."""

    name = "hf"
    default_model = "mistralai/Mistral-7B-Instruct-v0.3"

    def __init__(
        self,
        model: str | None = None,
        *,
        quantize: str = "4bit",
        compute_dtype: str = "bfloat16",
        device: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(model, **options)
        if quantize not in QUANTIZE_CHOICES:
            raise BackendError(f"hf backend: quantize must be one of {', '.join(QUANTIZE_CHOICES)}, got {quantize!r}")
        if compute_dtype not in COMPUTE_DTYPES:
            raise BackendError(
                f"hf backend: compute_dtype must be one of {', '.join(COMPUTE_DTYPES)}, got {compute_dtype!r}"
            )
        self.quantize = quantize
        self.compute_dtype = compute_dtype
        self.device = device
        self._config = None
        self._tokenizer = None
        self._model = None
        self._system_supported: bool | None = None

    # -- where the model comes from -------------------------------------------------

    @property
    def local_dir(self) -> Path | None:
        """The model's directory when `model` names one on disk, else None (a hub id)."""
        path = Path(self.model).expanduser()
        return path if path.is_dir() else None

    def _source(self) -> tuple[str, bool]:
        local = self.local_dir
        if local is not None:
            return str(local), True
        if self.model.startswith(("/", "./", "../", "~")):
            raise BackendError(f"hf backend: model directory {self.model} does not exist")
        return self.model, hub_offline()

    def _unavailable(self, exc: Exception) -> BackendError:
        reason = f"[{type(exc).__name__}: {' '.join(str(exc).split())[:160]}]"
        if self.local_dir is not None:
            return BackendError(f"hf backend: cannot load the model directory {self.model}: {reason}")
        offline = " (HF_HUB_OFFLINE is set)" if hub_offline() else ""
        return BackendError(
            f"hf backend: model {self.model!r} is not available{offline}; download it first "
            f"(huggingface-cli download {self.model}) or pass a local directory as the model {reason}"
        )

    # -- lazily loaded parts -----------------------------------------------------

    @property
    def config(self):
        """The model's transformers config (read on first access; no weights)."""
        if self._config is None:
            _require("transformers", "pip install transformers")
            from transformers import AutoConfig

            source, local_only = self._source()
            try:
                self._config = AutoConfig.from_pretrained(source, local_files_only=local_only)
            except (OSError, ValueError) as exc:
                raise self._unavailable(exc) from None
        return self._config

    @property
    def context_window(self) -> int:  # type: ignore[override]
        """Prompt + output tokens: the user's override, else the config's, capped."""
        if self._context_window_override is not None:
            return self._context_window_override
        config = getattr(self.config, "get_text_config", lambda: self.config)()
        for attribute in ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length"):
            value = getattr(config, attribute, None)
            if isinstance(value, int) and value > 0:
                return min(value, MAX_CONTEXT_WINDOW)
        return Backend.context_window

    @context_window.setter
    def context_window(self, value: int) -> None:
        # Base.__init__ assigns the user's override here.
        self._context_window_override = value

    @property
    def tokenizer(self):
        """The model's tokenizer (loaded on first access)."""
        if self._tokenizer is None:
            _require("transformers", "pip install transformers")
            from transformers import AutoTokenizer

            source, local_only = self._source()
            try:
                self._tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local_only)
            except (OSError, ValueError) as exc:
                raise self._unavailable(exc) from None
        return self._tokenizer

    def load(self):
        """Load the weights (quantized unless quantize="none"); returns the model."""
        if self._model is not None:
            return self._model
        _require("torch", "pip install torch")
        _require("transformers", "pip install transformers")
        if self.quantize == "4bit":
            _require("bitsandbytes", "pip install bitsandbytes (or use quantize='none' on CPU)")
        import torch
        import transformers
        from transformers import AutoModelForCausalLM

        source, local_only = self._source()
        _ = self.config  # fail with the short "not available" message before touching weights
        device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        # transformers 5 renamed torch_dtype to dtype; 4.x only knows the old name.
        dtype_arg = "dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype"
        kwargs: dict[str, Any] = {"local_files_only": local_only}
        if self.quantize == "4bit":
            from transformers import BitsAndBytesConfig

            kwargs["quantization_config"] = BitsAndBytesConfig(
                load_in_4bit=True,
                bnb_4bit_quant_type="nf4",
                bnb_4bit_use_double_quant=True,
                bnb_4bit_compute_dtype=getattr(torch, self.compute_dtype),
            )
            # Everything on one device: an automatic split would offload part of a
            # 4-bit model to CPU, which transformers refuses for quantized weights.
            kwargs["device_map"] = {"": device}
        else:
            kwargs[dtype_arg] = torch.float32
        try:
            model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
        except ImportError as exc:  # e.g. accelerate or a bitsandbytes backend missing
            detail = " ".join(str(exc).split())[:200]
            raise BackendError(f"hf backend: a library needed to load {self.model!r} is missing: {detail}") from None
        except (OSError, ValueError) as exc:
            raise self._unavailable(exc) from None
        if self.quantize == "none" and device != "cpu":
            model = model.to(device)
        model.eval()
        self._model = model
        return model

    # -- prompting -------------------------------------------------------------

    def _template(self, messages: list[dict]) -> list[int]:
        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)
        return list(ids["input_ids"])

    def prompt_ids(self, messages: list[dict]) -> list[int]:
        """Token ids of the chat-templated prompt, folding system messages if needed."""
        if getattr(self.tokenizer, "chat_template", None) is None:
            raise BackendError(
                f"hf backend: the tokenizer of {self.model!r} has no chat template; use an instruct/chat model"
            )
        has_system = any(m["role"] == "system" for m in messages)
        if has_system and self._system_supported is not False:
            try:
                ids = self._template(messages)
            except Exception:  # the template's own raise_exception; the type varies by jinja version
                self._system_supported = False
            else:
                self._system_supported = True
                return ids
        chat = fold_system_messages(messages) if has_system else messages
        try:
            return self._template(chat)
        except Exception as exc:  # e.g. roles that do not alternate user/assistant
            detail = " ".join(str(exc).split())[:200]
            raise BackendError(
                f"hf backend: the chat template of {self.model!r} rejected the messages: {detail}"
            ) from None

    @property
    def system_supported(self) -> bool | None:
        """Whether the chat template accepted a system message (None: not tried yet)."""
        return self._system_supported

    def count_tokens(self, text: str) -> int:
        """Exact count with the model's tokenizer, without special tokens."""
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def generate(self, request: Request) -> Completion:
        start = time.perf_counter()
        model = self.load()
        import torch

        ids = self.prompt_ids(request.messages)
        window = self.context_window
        if len(ids) >= window:
            raise BackendError(
                f"hf backend: the prompt has {len(ids)} tokens but {self.model!r} accepts {window}; shorten the input"
            )
        max_new = min(request.max_tokens, window - len(ids))
        tokenizer = self.tokenizer
        input_ids = torch.tensor([ids], dtype=torch.long, device=model.device)
        kwargs: dict[str, Any] = {
            "input_ids": input_ids,
            "attention_mask": torch.ones_like(input_ids),
            "max_new_tokens": max_new,
            "pad_token_id": tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id,
        }
        if request.temperature == 0:
            kwargs["do_sample"] = False
        else:
            kwargs.update(do_sample=True, temperature=float(request.temperature))
        if request.stop:
            kwargs["stopping_criteria"] = _stop_criteria(tokenizer, request.stop, len(ids))
        try:
            with torch.inference_mode():
                output = model.generate(**kwargs)
        except torch.cuda.OutOfMemoryError:
            raise BackendError(
                f"hf backend: out of GPU memory generating with {self.model!r}; lower max_tokens or shorten the input"
            ) from None
        new_ids = output[0, len(ids) :].tolist()
        text = tokenizer.decode(new_ids, skip_special_tokens=True)
        if request.stop:
            # generate stops after the stop string; like the OpenAI API, leave it out.
            cut = min((i for i in (text.find(s) for s in request.stop) if i >= 0), default=-1)
            if cut >= 0:
                text = text[:cut]
        return Completion(
            text=text,
            model=self.model,
            prompt_tokens=len(ids),
            output_tokens=len(new_ids),
            seconds=time.perf_counter() - start,
        )
