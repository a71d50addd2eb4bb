"""Checkpoints of translated programs: `model.state_dict()`, `torch.save`, `torch.load` and
`load_state_dict` are translated by `t2j_rag.rules.training.checkpoints`, and the emitted code runs
against the pasted helpers of `checkpoint_helpers.py`. A model with every kind of state (params,
BatchNorm statistics, Dropout keys, nnx.List children) and its Adam optimizer must come back
bit-identical and keep training exactly as the original would."""

import ast
import io
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from t2j_rag.rules.registry import Unsupported
from training_fake_engine import FakeEngine, namespace, run, translate

KINDS = {"model": "torch.nn.Module", "model2": "torch.nn.Module", "optimizer": "torch.optim.Optimizer",
         "optimizer2": "torch.optim.Optimizer"}


class Net(nnx.Module):
    def __init__(self, rngs):
        self.fc = nnx.Linear(3, 8, rngs=rngs)
        self.bn = nnx.BatchNorm(8, rngs=rngs)
        self.drop = nnx.Dropout(0.3, rngs=rngs)
        self.blocks = nnx.List([nnx.Linear(8, 8, rngs=rngs) for _ in range(2)])
        self.head = nnx.Sequential(nnx.Linear(8, 2, rngs=rngs))

    def __call__(self, x):
        h = self.drop(self.bn(self.fc(x)))
        for block in self.blocks:
            h = jax.nn.relu(block(h))
        return self.head(h)


# One optax transformation for every optimizer: it is static in the optimizer's graph, so sharing it
# lets nnx.jit reuse one compiled step for all the models of this file.
TX = optax.inject_hyperparams(optax.adam)(learning_rate=1e-2)


@nnx.jit
def train_step(model, optimizer, x, y):
    def loss_fn(model):
        return jnp.mean((model(x) - y) ** 2)

    loss, grads = nnx.value_and_grad(loss_fn)(model)
    optimizer.update(model, grads)
    return loss


def _trained(seed=0, steps=3):
    model = Net(nnx.Rngs(seed))
    optimizer = nnx.Optimizer(model, TX, wrt=nnx.Param)
    x = jax.random.normal(jax.random.key(1), (16, 3))
    y = jax.random.normal(jax.random.key(2), (16, 2))
    for _ in range(steps):
        train_step(model, optimizer, x, y)
    return model, optimizer, x, y


def _leaves(obj):
    return {path: np.asarray(v.get_value()) for path, v in nnx.to_flat_state(nnx.state(obj, nnx.Not(nnx.RngState)))}


def _assert_bit_identical(a, b):
    la, lb = _leaves(a), _leaves(b)
    assert la.keys() == lb.keys()
    for path in la:
        assert la[path].dtype == lb[path].dtype, path
        np.testing.assert_array_equal(la[path], lb[path], err_msg=str(path))


def test_model_and_optimizer_round_trip_bit_identically(tmp_path):
    model, optimizer, x, y = _trained()
    model2 = Net(nnx.Rngs(5))
    optimizer2 = nnx.Optimizer(model2, TX, wrt=nnx.Param)
    save = 'torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3}, path)'
    code, helpers = translate(save, KINDS)
    assert code == ("t2j_save_checkpoint({'model': t2j_state_dict(model), 'optimizer': t2j_state_dict(optimizer), "
                    "'epoch': 3}, path)")
    path = str(tmp_path / "ckpt.pt")
    ns = namespace(*helpers, "t2j_load_checkpoint", "t2j_load_state_dict", model=model, optimizer=optimizer,
                   model2=model2, optimizer2=optimizer2, path=path)
    exec(code, ns)
    for stmt in ("ckpt = torch.load(path, map_location='cpu', weights_only=True)",
                 "model2.load_state_dict(ckpt['model'])", "optimizer2.load_state_dict(ckpt['optimizer'])"):
        tree = ast_stmt(stmt)
        exec(tree, ns)
    assert ns["ckpt"]["epoch"] == 3 and isinstance(ns["ckpt"]["epoch"], int)
    assert ns["ckpt"]["optimizer"]["step"] == 3
    _assert_bit_identical(model, model2)
    _assert_bit_identical(optimizer, optimizer2)
    for m in (model, model2):
        m.eval()
    np.testing.assert_array_equal(model(x), model2(x))
    model.train(), model2.train()
    # Both keep training identically once they share dropout keys, which (like torch's RNG state)
    # are not part of a state dict.
    nnx.update(model2, nnx.state(model, nnx.RngState))
    for _ in range(2):
        np.testing.assert_array_equal(train_step(model, optimizer, x, y), train_step(model2, optimizer2, x, y))
    _assert_bit_identical(model, model2)


def ast_stmt(src):
    """Translate the calls of one statement with the fake engine and compile it."""
    tree = FakeEngine(KINDS).visit(ast.parse(src))
    return compile(ast.fix_missing_locations(tree), "<translated>", "exec")


def test_state_dict_leaves_out_rng_state_and_keeps_integer_keys(tmp_path):
    model, *_ = _trained()
    sd = run("model.state_dict()", KINDS, model=model)
    assert set(sd) == {"fc", "bn", "blocks", "head"}  # no 'drop': its only state is its RNG stream
    assert set(sd["bn"]) == {"scale", "bias", "mean", "var"}
    assert set(sd["blocks"]) == {0, 1} and set(sd["head"]["layers"]) == {0}
    path = tmp_path / "sd.msgpack"
    ns = namespace("t2j_save_checkpoint", "t2j_load_checkpoint", sd=sd, path=path)
    exec("t2j_save_checkpoint(sd, path)", ns)
    back = eval("t2j_load_checkpoint(path)", ns)
    assert set(back["blocks"]) == {0, 1}  # msgpack keeps integer map keys
    np.testing.assert_array_equal(back["blocks"][1]["kernel"], sd["blocks"][1]["kernel"])


def test_state_dict_is_a_snapshot():
    model, optimizer, x, y = _trained()
    before = run("model.state_dict()", KINDS, model=model)
    kernel = np.asarray(before["fc"]["kernel"]).copy()
    train_step(model, optimizer, x, y)
    np.testing.assert_array_equal(before["fc"]["kernel"], kernel)


def test_string_keys_load_too():
    model, *_ = _trained()
    sd = run("model.state_dict()", KINDS, model=model)
    as_strings = jax.tree_util.tree_map(np.asarray, {k: ({str(i): v for i, v in sub.items()} if k == "blocks" else sub)
                                                   for k, sub in sd.items()})
    model2 = Net(nnx.Rngs(9))
    run("model2.load_state_dict(d)", KINDS, model2=model2, d=as_strings)
    _assert_bit_identical(model, model2)


def test_nested_checkpoint_with_numbers_strings_and_lists(tmp_path):
    obj = {"epoch": 7, "best": 0.25, "name": "mlp", "history": [1.0, 2.0], "pair": (1, 2), "none": None,
           "arrays": {"w": jnp.arange(4, dtype=jnp.bfloat16), "n": np.int64(3)}}
    path = tmp_path / "c.pt"
    ns = namespace("t2j_save_checkpoint", "t2j_load_checkpoint", obj=obj, path=path)
    exec(translate("torch.save(obj, path)")[0], ns)
    back = eval(translate("torch.load(path)")[0], ns)
    assert back["epoch"] == 7 and back["best"] == 0.25 and back["name"] == "mlp" and back["none"] is None
    assert back["history"] == [1.0, 2.0] and back["pair"] == [1, 2]  # tuples come back as lists
    assert back["arrays"]["w"].dtype == jnp.bfloat16
    np.testing.assert_array_equal(back["arrays"]["w"], np.arange(4))
    assert back["arrays"]["n"] == 3
    assert [p.name for p in tmp_path.iterdir()] == ["c.pt"]  # the temporary file was renamed away


def test_file_objects_work_like_paths():
    buffer = io.BytesIO()
    ns = namespace("t2j_save_checkpoint", "t2j_load_checkpoint", buf=buffer)
    exec("t2j_save_checkpoint({'a': np.ones(3)}, buf)", ns)
    buffer.seek(0)
    np.testing.assert_array_equal(eval("t2j_load_checkpoint(buf)", ns)["a"], np.ones(3))


def test_saving_a_module_or_a_key_is_refused_with_the_place(tmp_path):
    model, *_ = _trained()
    ns = namespace("t2j_save_checkpoint", model=model, path=tmp_path / "m.pt", key=jax.random.key(0))
    with pytest.raises(TypeError, match=r"Net at obj\['net'\]; save its state dict"):
        exec("t2j_save_checkpoint({'net': model}, path)", ns)
    with pytest.raises(TypeError, match="PRNG key"):
        exec("t2j_save_checkpoint({'k': key}, path)", ns)


def test_strict_loading_names_the_missing_and_unexpected_paths():
    model, *_ = _trained()
    sd = run("model.state_dict()", KINDS, model=model)
    del sd["blocks"][1]["kernel"]
    sd["extra"] = {"w": np.zeros(2)}
    model2 = Net(nnx.Rngs(1))
    with pytest.raises(KeyError, match=r"missing 'blocks\.1\.kernel'; unexpected 'extra\.w'"):
        run("model2.load_state_dict(d)", KINDS, model2=model2, d=sd)
    result = run("model2.load_state_dict(d, strict=False)", KINDS, model2=model2, d=sd)
    assert result.missing_keys == ["blocks.1.kernel"] and result.unexpected_keys == ["extra.w"]
    np.testing.assert_array_equal(model2.blocks[0].kernel.get_value(), sd["blocks"][0]["kernel"])


def test_shape_mismatch_is_an_error_even_when_not_strict():
    model, *_ = _trained()
    sd = run("model.state_dict()", KINDS, model=model)
    sd["fc"]["kernel"] = np.zeros((3, 9), np.float32)
    with pytest.raises(ValueError, match=r"size mismatch for 'fc\.kernel': checkpoint \(3, 9\), Net \(3, 8\)"):
        run("model2.load_state_dict(d, strict=False)", KINDS, model2=Net(nnx.Rngs(1)), d=sd)


def test_loading_casts_to_the_variables_dtype():
    model = nnx.Linear(2, 2, rngs=nnx.Rngs(0))
    run("model.load_state_dict(d)", KINDS, model=model,
        d={"kernel": np.ones((2, 2), np.float64), "bias": np.zeros(2, np.float64)})
    assert model.kernel.get_value().dtype == jnp.float32
    np.testing.assert_array_equal(model.kernel.get_value(), np.ones((2, 2)))


@pytest.mark.parametrize("src,expected", [
    ("model.state_dict(keep_vars=True)", "t2j_state_dict(model)"),
    ("torch.load(f, map_location=lambda s, loc: s, weights_only=False, mmap=True)", "t2j_load_checkpoint(f)"),
    ("torch.save(sd, f, pickle_protocol=4, _use_new_zipfile_serialization=False)", "t2j_save_checkpoint(sd, f)"),
    ("model.load_state_dict(sd, strict=True, assign=True)", "t2j_load_state_dict(model, sd)"),
    ("model.load_state_dict(sd, False)", "t2j_load_state_dict(model, sd, strict=False)"),
    ("optimizer.load_state_dict(torch.load(f))", "t2j_load_state_dict(optimizer, t2j_load_checkpoint(f))"),
])
def test_emitted_forms(src, expected):
    assert translate(src, KINDS)[0] == expected


@pytest.mark.parametrize("src,reason", [
    ("torch.save(sd, f, pickle_module=dill)", "pickle_module"),
    ("model.state_dict(prefix='encoder.')", "prefix="),
    ("torch.load(f, encoding='latin1')", "keyword 'encoding'"),
    ("torch.save(sd)", "no f argument"),
])
def test_unsupported_checkpoint_calls(src, reason):
    with pytest.raises(Unsupported, match=reason):
        translate(src, KINDS)


def test_user_names_like_state_dict_and_save_checkpoint_do_not_shadow_the_helpers(tmp_path):
    """Scripts bind `state_dict = model.state_dict()` and define their own save_checkpoint."""
    src = textwrap.dedent('''
        def save_checkpoint(model, path):
            state_dict = model.state_dict()
            torch.save({"model": state_dict, "epoch": 1}, path)

        def load_checkpoint(model, path):
            state_dict = torch.load(path)["model"]
            model.load_state_dict(state_dict)
    ''')
    tree = FakeEngine({"model": "torch.nn.Module"}).visit(ast.parse(src))
    ns = namespace("t2j_state_dict", "t2j_save_checkpoint", "t2j_load_checkpoint", "t2j_load_state_dict")
    exec(compile(ast.fix_missing_locations(tree), "<translated>", "exec"), ns)
    model, model2 = nnx.Linear(2, 3, rngs=nnx.Rngs(0)), nnx.Linear(2, 3, rngs=nnx.Rngs(1))
    ns["save_checkpoint"](model, tmp_path / "c.pt")
    ns["load_checkpoint"](model2, tmp_path / "c.pt")
    _assert_bit_identical(model, model2)
