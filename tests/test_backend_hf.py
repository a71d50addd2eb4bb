"""The hf backend on a tiny random Mistral built here, loaded through the real 4-bit path.

The model's words are random, so only the plumbing is checked: quantized
layers, token accounting, determinism, system-message folding, limits, errors.
"""

import sys

import pytest

pytestmark = pytest.mark.slow

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
bnb = pytest.importorskip("bitsandbytes")
tokenizers = pytest.importorskip("tokenizers")

from t2j_rag.backends import Request, get_backend  # noqa: E402
from t2j_rag.backends.hf import HFBackend, fold_system_messages  # noqa: E402
from t2j_rag.errors import BackendError  # noqa: E402

SENTENCES = [
    "translate this torch model to jax",
    "the linear layer maps inputs to outputs",
    "use flax nnx modules and optax optimizers",
    "you are a careful translator",
    "hello world",
]

SPECIALS = ["<unk>", "<s>", "</s>", "<pad>", "[INST]", "[/INST]"]

# Mimics the Mistral instruct format, including its refusal of a system role.
NO_SYSTEM_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}"
    "{% if m['role'] == 'system' %}{{ raise_exception('system role not supported') }}{% endif %}"
    "{% if m['role'] == 'user' %}[INST] {{ m['content'] }} [/INST]"
    "{% else %} {{ m['content'] }}{{ eos_token }}{% endif %}{% endfor %}"
)

WITH_SYSTEM_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}"
    "{% if m['role'] == 'system' %}{{ m['content'] }} "
    "{% elif m['role'] == 'user' %}[INST] {{ m['content'] }} [/INST]"
    "{% else %} {{ m['content'] }}{{ eos_token }}{% endif %}{% endfor %}"
)

MAX_POSITIONS = 512


def build_tokenizer(chat_template):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.WordLevel(unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.train_from_iterator(SENTENCES, trainers.WordLevelTrainer(special_tokens=SPECIALS))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>"
    )
    tokenizer.chat_template = chat_template
    return tokenizer


def save_tiny_mistral(directory, chat_template):
    from transformers import MistralConfig, MistralForCausalLM

    tokenizer = build_tokenizer(chat_template)
    config = MistralConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=MAX_POSITIONS,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    model = MistralForCausalLM(config)
    # Zero logits for special tokens so greedy decoding picks ordinary words (some
    # random ones score above zero) and never ends early on </s>; tests that need
    # visible text then do not depend on the luck of the random weights.
    with torch.no_grad():
        model.lm_head.weight[tokenizer.convert_tokens_to_ids(SPECIALS)] = 0.0
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny_mistral")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_OFFLINE", "1")
        return {
            "no_system": save_tiny_mistral(root / "no_system", NO_SYSTEM_TEMPLATE),
            "with_system": save_tiny_mistral(root / "with_system", WITH_SYSTEM_TEMPLATE),
        }


@pytest.fixture(scope="session")
def loaded(tiny_dirs):
    backend = HFBackend(model=str(tiny_dirs["no_system"]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_OFFLINE", "1")
        try:
            backend.load()
        except Exception as exc:  # record the exact reason the 4-bit path cannot run here
            pytest.skip(f"bitsandbytes 4-bit loading does not work on this machine: {type(exc).__name__}: {exc}")
    return backend


def reference_ids(directory, messages):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
    return tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=False)


USER = {"role": "user", "content": "translate this torch model to jax"}
SYSTEM = {"role": "system", "content": "you are a careful translator"}


def test_construction_is_lazy():
    backend = get_backend("hf", model="/definitely/not/here")
    assert backend.model == "/definitely/not/here"
    assert backend._model is None and backend._tokenizer is None and backend._config is None


def test_default_model_is_mistral_instruct():
    assert HFBackend().model == "mistralai/Mistral-7B-Instruct-v0.3"


def test_linear_layers_are_4bit(loaded):
    model = loaded.load()
    quantized = [m for m in model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    # 2 layers x (q, k, v, o, gate, up, down); transformers keeps lm_head unquantized.
    assert len(quantized) == 14
    assert quantized[0].weight.quant_state.quant_type == "nf4"
    assert loaded.load() is model  # loading twice reuses the weights


def test_generate_returns_new_text_and_real_token_counts(loaded, tiny_dirs):
    completion = loaded.generate(Request(messages=[USER], max_tokens=5))
    assert isinstance(completion.text, str)
    assert 0 < completion.output_tokens <= 5
    assert completion.prompt_tokens == len(reference_ids(tiny_dirs["no_system"], [USER]))
    assert completion.model == str(tiny_dirs["no_system"])
    assert completion.seconds > 0
    # Only the continuation is returned: compare with a direct greedy call on the same weights.
    ids = reference_ids(tiny_dirs["no_system"], [USER])
    with torch.inference_mode():
        out = loaded.load().generate(
            input_ids=torch.tensor([ids]),
            attention_mask=torch.ones(1, len(ids), dtype=torch.long),
            max_new_tokens=5,
            do_sample=False,
            pad_token_id=loaded.tokenizer.pad_token_id,
        )
    assert out.shape[1] - len(ids) == completion.output_tokens
    assert completion.text == loaded.tokenizer.decode(out[0, len(ids) :], skip_special_tokens=True)


def test_greedy_generation_is_deterministic(loaded):
    request = Request(messages=[USER], max_tokens=6, temperature=0.0)
    first = loaded.generate(request)
    second = loaded.generate(request)
    assert first.text == second.text
    assert first.output_tokens == second.output_tokens


def test_stop_string_ends_generation_and_is_left_out(loaded):
    free = loaded.generate(Request(messages=[USER], max_tokens=8))
    words = free.text.split()
    assert len(words) >= 3, f"the seeded tiny model should say a few words, said {free.text!r}"
    stop = words[2]
    cut = free.text.find(stop)
    stopped = loaded.generate(Request(messages=[USER], max_tokens=8, stop=[stop]))
    assert stopped.text == free.text[:cut]
    assert stopped.output_tokens < free.output_tokens


def test_system_message_is_folded_when_template_rejects_it(loaded, tiny_dirs):
    completion = loaded.generate(Request(messages=[SYSTEM, USER], max_tokens=2))
    assert loaded.system_supported is False
    folded = [{"role": "user", "content": SYSTEM["content"] + "\n\n" + USER["content"]}]
    assert completion.prompt_tokens == len(reference_ids(tiny_dirs["no_system"], folded))
    assert loaded.prompt_ids([SYSTEM, USER]) == reference_ids(tiny_dirs["no_system"], folded)


def test_system_message_is_kept_when_template_supports_it(tiny_dirs):
    backend = HFBackend(model=str(tiny_dirs["with_system"]))
    ids = backend.prompt_ids([SYSTEM, USER])
    assert backend.system_supported is True
    assert ids == reference_ids(tiny_dirs["with_system"], [SYSTEM, USER])


def test_fold_system_messages_rules():
    assistant = {"role": "assistant", "content": "ok"}
    assert fold_system_messages([USER]) == [USER]
    assert fold_system_messages([SYSTEM, USER, assistant]) == [
        {"role": "user", "content": "you are a careful translator\n\ntranslate this torch model to jax"},
        assistant,
    ]
    assert fold_system_messages([SYSTEM]) == [{"role": "user", "content": SYSTEM["content"]}]
    original = [SYSTEM, dict(USER)]
    fold_system_messages(original)
    assert original[1] == USER  # the caller's messages are not modified


def test_context_window_comes_from_config(tiny_dirs):
    backend = HFBackend(model=str(tiny_dirs["no_system"]))
    assert backend.context_window == MAX_POSITIONS
    assert backend._model is None  # reading the window does not load weights
    assert HFBackend(model=str(tiny_dirs["no_system"]), context_window=100).context_window == 100


def test_prompt_longer_than_window_is_rejected(tiny_dirs):
    backend = HFBackend(model=str(tiny_dirs["no_system"]), context_window=4)
    with pytest.raises(BackendError, match="accepts 4"):
        backend.generate(Request(messages=[USER], max_tokens=2))


def test_output_is_capped_by_remaining_window(tiny_dirs, loaded):
    prompt_len = len(reference_ids(tiny_dirs["no_system"], [USER]))
    backend = HFBackend(model=str(tiny_dirs["no_system"]), context_window=prompt_len + 2)
    backend._model = loaded.load()  # share the already-loaded weights to keep the test fast
    completion = backend.generate(Request(messages=[USER], max_tokens=50))
    assert 0 < completion.output_tokens <= 2


def test_count_tokens_uses_the_tokenizer(tiny_dirs):
    backend = HFBackend(model=str(tiny_dirs["no_system"]))
    assert backend.count_tokens("hello world") == 2
    assert backend.count_tokens("translate this torch model to jax") == 6


def test_unquantized_float32_path(tiny_dirs):
    backend = HFBackend(model=str(tiny_dirs["no_system"]), quantize="none")
    model = backend.load()
    assert not any(isinstance(m, bnb.nn.Linear4bit) for m in model.modules())
    assert next(model.parameters()).dtype == torch.float32
    assert 0 < backend.generate(Request(messages=[USER], max_tokens=3)).output_tokens <= 3


def test_missing_local_directory_is_backend_error():
    with pytest.raises(BackendError, match="does not exist"):
        HFBackend(model="/no/such/model/dir").generate(Request(messages=[USER], max_tokens=2))


def test_hub_model_not_in_cache_offline_is_one_line_error():
    backend = HFBackend(model="t2j-rag-tests/model-that-is-not-cached")
    with pytest.raises(BackendError) as info:
        backend.generate(Request(messages=[USER], max_tokens=2))
    message = str(info.value)
    assert "t2j-rag-tests/model-that-is-not-cached" in message and "download it first" in message
    assert "\n" not in message


@pytest.mark.parametrize("options", [{"quantize": "8bit"}, {"compute_dtype": "float64"}, {"colour": "red"}])
def test_invalid_options(options):
    with pytest.raises(BackendError):
        HFBackend(model="x", **options)


def test_missing_bitsandbytes_gives_install_hint(tiny_dirs, monkeypatch):
    # A None entry in sys.modules is how Python marks a module as unavailable.
    monkeypatch.setitem(sys.modules, "bitsandbytes", None)
    with pytest.raises(BackendError, match="pip install bitsandbytes"):
        HFBackend(model=str(tiny_dirs["no_system"])).load()


def test_tokenizer_without_chat_template_is_backend_error(tmp_path):
    build_tokenizer(None).save_pretrained(tmp_path)
    with pytest.raises(BackendError, match="no chat template"):
        HFBackend(model=str(tmp_path)).prompt_ids([USER])
