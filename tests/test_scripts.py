"""The rungs of the ladder, code/train0.py ... train4.py: each imports and trains a few steps, chapter 3's
hand-written gradients are the true ones, and a name that fills the whole context counts every prediction.

Quick on purpose (no 600-step main()): a bug a reader puts into a chapter's block fails here in seconds.
"""
import importlib
import math
import os
import random

import pytest

SCRIPTS = ["train0", "train1", "train2", "train3", "train4"]
FULL = "zqxjkvbpygfwmuc"  # 15 letters + BOS = 16 tokens of context: the longest names in names.txt


@pytest.fixture(scope="module")
def scripts(names):
    """The scripts as modules. Each loads and splits the data when imported, so MICROGPT_DATA points at it."""
    before = os.environ.get("MICROGPT_DATA")
    os.environ["MICROGPT_DATA"] = names
    try:
        return {name: importlib.import_module(name) for name in SCRIPTS}
    finally:
        if before is None:
            del os.environ["MICROGPT_DATA"]
        else:
            os.environ["MICROGPT_DATA"] = before


def finite(xs):
    return all(math.isfinite(x) for x in xs)


def test_every_script_loaded_the_same_split(scripts):
    for name, m in scripts.items():
        assert len(m.train_docs) == 32033 - 1000 and len(m.val_docs) == 1000, name
        assert m.vocab_size == 27 and m.uchars == scripts["train0"].uchars, name
        assert m.block_size == 16 and max(len(d) for d in m.train_docs + m.val_docs) == len(FULL), name


# --- train0: bigram counts ------------------------------------------------------------------------------------

def test_train0_counts_scores_and_samples(scripts):
    m = scripts["train0"]
    probs = m.bigram_probs(m.count_bigrams(m.train_docs[:2000], m.uchars))
    assert all(abs(sum(row) - 1) < 1e-12 for row in probs)
    loss = m.bigram_loss(probs, m.val_docs[:200], m.uchars)
    assert 2.0 < loss < math.log(m.vocab_size)  # better than guessing, as a bigram is
    random.seed(0)
    name = m.sample_bigram(probs, m.uchars)
    assert set(name) <= set(m.uchars) and len(name) <= m.block_size


def test_train0_scores_every_prediction_of_a_full_name(scripts):
    m = scripts["train0"]
    probs = m.bigram_probs(m.count_bigrams(m.train_docs[:2000], m.uchars))
    tokens = m.encode(FULL, m.uchars)
    assert len(tokens) - 1 == m.block_size  # 16 predictions: the last one is BOS, the end of the name
    expected = sum(-math.log(probs[a][b]) for a, b in zip(tokens, tokens[1:])) / m.block_size
    assert abs(m.bigram_loss(probs, [FULL], m.uchars) - expected) < 1e-12


# --- train1: the MLP with hand-written gradients (chapter 3) ----------------------------------------------------

def test_train1_backward_matches_finite_differences(scripts, monkeypatch):
    """mlp_backward's gradient of every weight of a tiny MLP against central differences of the loss."""
    m = scripts["train1"]
    monkeypatch.setattr(m, "emb_dim", 3)
    monkeypatch.setattr(m, "n_hidden", 5)
    random.seed(7)
    params = m.init_mlp(m.vocab_size)
    for row in params["lm_head"]:  # larger than at the start of training, so no gradient is nearly zero
        row[:] = [w * 20 for w in row]
    batch = m.make_examples(["emma", "bob", FULL], m.uchars)[::3]  # repeated tokens, BOS padding, the end
    assert len(batch) >= 6

    def loss(params):
        return sum(-math.log(m.mlp_forward(params, context)[2][target]) for context, target in batch) / len(batch)

    value, grads = m.mlp_backward(params, batch)
    assert abs(value - loss(params)) < 1e-12
    eps, worst = 1e-6, []
    for name, matrix in params.items():
        for i, row in enumerate(matrix):
            for j, w in enumerate(row):
                row[j] = w + eps
                plus = loss(params)
                row[j] = w - eps
                minus = loss(params)
                row[j] = w
                numeric = (plus - minus) / (2 * eps)
                if abs(numeric - grads[name][i][j]) > 1e-7 * max(1.0, abs(numeric)):
                    worst.append((name, i, j, numeric, grads[name][i][j]))
    assert not worst, f"{len(worst)} wrong derivatives, e.g. (matrix, row, column, numeric, mlp_backward): {worst[:3]}"


def test_train1_trains_a_few_steps(scripts):
    m = scripts["train1"]
    random.seed(1)
    params = m.init_mlp(m.vocab_size)
    losses = m.train_mlp(params, m.make_examples(m.train_docs[:200], m.uchars), num_steps=5)
    assert len(losses) == 5 and finite(losses)
    assert math.isfinite(m.mlp_val_loss(params, m.val_docs[:50], m.uchars))
    assert set(m.sample_mlp(params, m.uchars)) <= set(m.uchars)


def test_train1_makes_an_example_of_every_prediction_of_a_full_name(scripts):
    m = scripts["train1"]
    tokens = m.encode(FULL, m.uchars)
    examples = m.make_examples([FULL], m.uchars)
    assert [target for _, target in examples] == tokens[1:] and len(examples) == m.block_size
    assert examples[-1][0] == tokens[-1 - m.context_size:-1]  # the last three letters predict BOS


# --- train2: the same MLP with autograd (chapter 4) ---------------------------------------------------------------

def test_train2_autograd_equals_the_hand_written_gradients(scripts):
    m = scripts["train2"]
    random.seed(3)
    params = m.init_mlp(m.vocab_size)
    batch = m.make_examples(["emma", FULL], m.uchars)[:12]
    loss, grads = m.mlp_backward(params, batch)
    values = m.to_values(params)
    auto = m.mlp_loss(values, batch)
    auto.backward()
    assert abs(auto.data - loss) < 1e-12
    for name, matrix in values.items():
        for row, grow in zip(matrix, grads[name], strict=True):
            assert all(abs(v.grad - g) < 1e-12 for v, g in zip(row, grow, strict=True)), name


def test_train2_trains_like_train1(scripts):
    m = scripts["train2"]
    examples = m.make_examples(m.train_docs[:200], m.uchars)
    random.seed(4)
    by_hand = m.train_mlp(m.init_mlp(m.vocab_size), examples, num_steps=4)
    random.seed(4)
    by_autograd = m.train_mlp_autograd(m.to_values(m.init_mlp(m.vocab_size)), examples, num_steps=4)
    assert len(by_hand) == len(by_autograd) == 4 and finite(by_hand)
    assert max(abs(a - b) for a, b in zip(by_hand, by_autograd)) < 1e-10


# --- train3 and train4: attention, then the full GPT, trained with SGD (chapters 5 and 6) ------------------------

def mean_loss_by_hand(forward, state_dict, tokens, keys, values):
    """Every next-token prediction of tokens, scored in plain floats: (mean -log p, how many predictions)."""
    total = 0.0
    for pos in range(len(tokens) - 1):
        logits = [l.data for l in forward(state_dict, tokens[pos], pos, keys, values)]
        top = max(logits)
        total += top + math.log(sum(math.exp(l - top) for l in logits)) - logits[tokens[pos + 1]]
    return total / (len(tokens) - 1), len(tokens) - 1


@pytest.mark.parametrize("script, init, loss_fn, forward, cache", [
    ("train3", "init_params1", "doc_loss1", "gpt1", lambda: ([], [])),
    ("train4", "init_params", "doc_loss", "gpt", lambda: ([[]], [[]])),
], ids=["train3", "train4"])
def test_attention_models_train_a_few_steps_and_count_a_full_name(scripts, script, init, loss_fn, forward, cache):
    m = scripts[script]
    random.seed(5)
    state_dict = getattr(m, init)(m.vocab_size)
    doc_loss = getattr(m, loss_fn)
    tokens = m.encode(FULL, m.uchars)
    expected, n = mean_loss_by_hand(getattr(m, forward), state_dict, tokens, *cache())
    assert n == m.block_size
    assert abs(doc_loss(state_dict, tokens).data - expected) < 1e-12
    short = m.encode("ab", m.uchars)
    both = (n * expected + 3 * doc_loss(state_dict, short).data) / (n + 3)  # val_loss: a mean per prediction
    assert abs(m.val_loss(doc_loss, state_dict, [FULL, "ab"]) - both) < 1e-12
    losses = m.train_sgd(doc_loss, state_dict, m.train_docs[:3], 3, 0.3)
    assert len(losses) == 3 and finite(losses)
    assert math.isfinite(m.val_loss(doc_loss, state_dict, m.val_docs[:5]))
    random.seed(6)
    name = m.sample1(state_dict) if script == "train3" else m.sample(state_dict, m.uchars)
    assert set(name) <= set(m.uchars) and len(name) <= m.block_size
