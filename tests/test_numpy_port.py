"""code/microgpt_numpy.py (from book/12_numpy.ipynb) is the same model as code/microgpt.py, only faster."""
import hashlib
import json
import math
import os
import random

import numpy as np
import pytest

import microgpt
import microgpt_numpy
from conftest import ORIGINAL_TRACE_SHA256, ROOT, assert_one_sentence

DOCS = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "zoe", "liam"]


def both_models(seed=3):
    """The pure-Python state_dict and the numpy weights, drawn from the same seed."""
    uchars = microgpt.build_vocab(DOCS)
    random.seed(seed)
    state_dict = microgpt.init_params(len(uchars) + 1)
    random.seed(seed)
    cfg = microgpt_numpy.Config(vocab_size=len(uchars) + 1)
    return uchars, state_dict, cfg, microgpt_numpy.init_weights(cfg)


def test_same_start_and_same_gradients_as_autograd():
    uchars, state_dict, cfg, flat = both_models()
    params = microgpt.parameters(state_dict)
    assert np.array_equal(flat, [p.data for p in params])
    for doc in DOCS[:4]:
        loss = microgpt.doc_loss(state_dict, microgpt.encode(doc, uchars))
        loss.backward()
        autograd = np.array([p.grad for p in params])
        for p in params:
            p.grad = 0
        np_loss, grad = microgpt_numpy.loss_and_grad(flat, cfg, *microgpt_numpy.make_batch([doc], uchars, 16))
        assert abs(np_loss - loss.data) < 1e-12
        assert np.abs(grad - autograd).max() < 1e-10 * np.abs(autograd).max()


def test_same_losses_as_pure_python_training():
    uchars, state_dict, cfg, flat = both_models()
    py_losses = microgpt.train(state_dict, DOCS, uchars, num_steps=12)
    np_losses = microgpt_numpy.train_numpy(flat, cfg, DOCS, uchars, num_steps=12)
    assert len(py_losses) == len(np_losses) == 12
    assert max(abs(a - b) for a, b in zip(py_losses, np_losses)) < 1e-10
    assert np.abs(flat - [p.data for p in microgpt.parameters(state_dict)]).max() < 1e-10


def test_batched_multilayer_gradients_match_finite_differences():
    uchars = microgpt_numpy.build_vocab(DOCS)
    cfg = microgpt_numpy.Config(vocab_size=len(uchars) + 1, n_layer=2, n_embd=8, n_head=2, block_size=16)
    random.seed(0)
    flat = microgpt_numpy.init_weights(cfg, std=0.5)
    batch = microgpt_numpy.make_batch(DOCS[:3], uchars, cfg.block_size)  # different lengths: padded
    assert batch[2].min() == 0
    _, grad = microgpt_numpy.loss_and_grad(flat, cfg, *batch)
    eps = 1e-6
    for i in random.sample(range(flat.size), 30):
        plus, minus = flat.copy(), flat.copy()
        plus[i] += eps
        minus[i] -= eps
        numeric = (microgpt_numpy.loss_and_grad(plus, cfg, *batch)[0]
                   - microgpt_numpy.loss_and_grad(minus, cfg, *batch)[0]) / (2 * eps)
        assert abs(numeric - grad[i]) < 1e-7 * max(1.0, abs(numeric))


def test_padding_does_not_change_a_document_loss():
    uchars = microgpt_numpy.build_vocab(DOCS)
    cfg = microgpt_numpy.Config(vocab_size=len(uchars) + 1)
    random.seed(1)
    flat = microgpt_numpy.init_weights(cfg)
    alone = microgpt_numpy.loss_and_grad(flat, cfg, *microgpt_numpy.make_batch(["ava"], uchars, 16))[0]
    idx, targets, mask = microgpt_numpy.make_batch(["ava", "isabella"], uchars, 16)
    padded = microgpt_numpy.loss_and_grad(flat, cfg, idx[:1], targets[:1], mask[:1])[0]  # "ava" plus padding
    assert abs(alone - padded) < 1e-12


def test_script_prints_the_original_trace(run_script):
    code, out, err = run_script("microgpt_numpy.py")
    assert code == 0, err
    assert hashlib.sha256(out.encode()).hexdigest() == ORIGINAL_TRACE_SHA256


def test_script_trains_a_bigger_model(run_script):
    code, out, err = run_script("microgpt_numpy.py", "--n-layer", "2", "--n-embd", "32", "--batch-size", "8",
                                "--steps", "10", "--samples", "2")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[2] == f"num params: {2 * 27 * 32 + 16 * 32 + 2 * 12 * 32 * 32}"
    assert len(lines) == 3 + 10 + 1 + 2
    steps = lines[3:13]
    assert [line[:18] for line in steps] == [f"step {i:4d} /   10 |" for i in range(1, 11)], steps
    losses = [float(line.split("| loss ")[1]) for line in steps]
    assert all(math.isfinite(loss) for loss in losses), steps
    assert abs(losses[0] - math.log(27)) < 0.5, steps  # an untrained model: about uniform over 27 tokens
    assert max(losses[-3:]) < losses[0] and sum(losses[-5:]) < sum(losses[:5]) - 1.0, steps  # it learns


@pytest.mark.parametrize("args, words", [
    (["--n-embd", "10"], "--n-embd (10) must be a multiple of --n-head (4)"),
    (["--batch-size", "0"], "--batch-size must be at least 1"),
    (["--temperature", "0"], "--temperature must be greater than 0"),
    (["--learning-rate", "-1"], "--learning-rate must be greater than 0"),
])
def test_bad_values_stop_with_one_sentence(run_script, args, words):
    code, out, err = run_script("microgpt_numpy.py", "--steps", "1", "--samples", "1", *args)  # see test_cli.py
    assert code != 0 and out == ""
    assert words in err, err
    assert_one_sentence(err, stderr=True)


def test_pytorch_cell_gives_the_same_losses_as_numpy():
    """The appendix's PyTorch cell (id "pytorch"), run as the book runs it, wherever PyTorch is installed."""
    pytest.importorskip("torch", reason="PyTorch is optional (not in requirements.txt): install it to run this")
    cells = json.load(open(os.path.join(ROOT, "book", "12_numpy.ipynb"), encoding="utf-8"))["cells"]
    source = "".join(next(c for c in cells if c.get("id") == "pytorch")["source"])
    uchars = microgpt_numpy.build_vocab(DOCS)
    cfg = microgpt_numpy.Config(vocab_size=len(uchars) + 1)
    random.seed(3)
    names = {**vars(microgpt_numpy), "cfg": cfg, "flat0": microgpt_numpy.init_weights(cfg),
             "train_docs": DOCS, "uchars": uchars}
    exec(compile(source, "12_numpy.ipynb (cell pytorch)", "exec"), names)  # asserts inside
    assert len(names["torch_check"]) == len(names["numpy_check"]) == 5
