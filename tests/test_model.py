"""microgpt's pieces that a reader edits, each checked against a computation of its own, in seconds:
a name that fills the whole context (doc_loss, and the numpy batch's cut at block_size), softmax at huge
logits, and sampling that follows the model's probabilities at a temperature.
"""
import collections
import math
import random
import warnings

import numpy as np
import pytest

import microgpt
import microgpt_numpy

FULL = "zqxjkvbpygfwmuc"   # 15 letters + BOS = 16 tokens of context: the longest names in names.txt
LONGER = FULL + "ad"       # longer than any name: the model sees only its first block_size predictions


@pytest.fixture(scope="module")
def uchars(names):
    """The real vocabulary, from names.txt."""
    docs = microgpt.load_docs(names)
    assert max(len(d) for d in docs) == len(FULL) == microgpt.block_size - 1
    return microgpt.build_vocab(docs)


def softmax_by_hand(logits, temperature=1.0):
    scaled = [l / temperature for l in logits]
    top = max(scaled)
    exps = [math.exp(s - top) for s in scaled]
    return [e / sum(exps) for e in exps]


# --- a name that fills the whole context ----------------------------------------------------------------------

def test_doc_loss_counts_every_prediction_of_a_full_name(uchars, monkeypatch):
    random.seed(11)
    state_dict = microgpt.init_params(len(uchars) + 1)
    tokens = microgpt.encode(FULL, uchars)
    assert len(tokens) == microgpt.block_size + 1
    keys, values, total = [[]], [[]], 0.0
    for pos in range(len(tokens) - 1):  # all 16 predictions, the last one the closing BOS
        logits = [l.data for l in microgpt.gpt(state_dict, tokens[pos], pos, keys, values)]
        total -= math.log(softmax_by_hand(logits)[tokens[pos + 1]])
    calls = []

    def counting_gpt(*args):
        calls.append(args[2])
        return gpt(*args)
    gpt = microgpt.gpt
    monkeypatch.setattr(microgpt, "gpt", counting_gpt)
    loss = microgpt.doc_loss(state_dict, tokens)
    assert calls == list(range(microgpt.block_size)), calls  # one prediction per position, none left out
    assert abs(loss.data - total / microgpt.block_size) < 1e-12


def test_numpy_batch_keeps_a_full_name_and_cuts_a_longer_one(uchars):
    tokens = microgpt_numpy.encode(FULL, uchars)
    idx, targets, mask = microgpt_numpy.make_batch([FULL, "ab"], uchars, 16)
    assert idx.shape == targets.shape == mask.shape == (2, 16)
    assert idx[0].tolist() == tokens[:-1] and targets[0].tolist() == tokens[1:] and mask[0].tolist() == [1] * 16
    assert mask[1].tolist() == [1] * 3 + [0] * 13
    longer = microgpt_numpy.encode(LONGER, uchars)
    idx, targets, mask = microgpt_numpy.make_batch([LONGER], uchars, 16)
    assert idx[0].tolist() == longer[:16] and targets[0].tolist() == longer[1:17] and mask.sum() == 16


def test_numpy_loss_of_a_full_name_is_the_same_as_doc_loss(uchars):
    random.seed(12)
    state_dict = microgpt.init_params(len(uchars) + 1)
    random.seed(12)
    cfg = microgpt_numpy.Config(vocab_size=len(uchars) + 1)
    flat = microgpt_numpy.init_weights(cfg)
    for name in (FULL, LONGER):
        loss = microgpt.doc_loss(state_dict, microgpt.encode(name, uchars))
        loss.backward()
        params = microgpt.parameters(state_dict)
        autograd = np.array([p.grad for p in params])
        for p in params:
            p.grad = 0
        np_loss, grad = microgpt_numpy.loss_and_grad(flat, cfg, *microgpt_numpy.make_batch([name], uchars, 16))
        assert abs(np_loss - loss.data) < 1e-12, name
        assert np.abs(grad - autograd).max() < 1e-10 * np.abs(autograd).max(), name


# --- softmax at huge logits (what a low temperature makes) ---------------------------------------------------

def test_softmax_does_not_overflow():
    expected = [1 / (1 + math.exp(-1)), math.exp(-1) / (1 + math.exp(-1))]
    probs = [p.data for p in microgpt.softmax([microgpt.Value(1000.0), microgpt.Value(999.0)])]
    assert max(abs(p - e) for p, e in zip(probs, expected, strict=True)) < 1e-12
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow is a warning, then nan: make it fail here
        rows = microgpt_numpy.softmax_rows(np.array([[1000.0, 999.0], [-1000.0, -999.0]]))
    assert np.abs(rows - [expected, expected[::-1]]).max() < 1e-12


# --- sampling: draws follow the model's probabilities, divided by the temperature ------------------------------
# The model is replaced by fixed logits (the same at every position), so each drawn token, letters and the closing
# BOS alike, is one independent draw from softmax(logits / temperature), and thousands take a second.

def fixed_logits(uchars):
    logits = [0.3 * (i % 7) for i in range(len(uchars))] + [2.5]  # BOS (the last id) is the likeliest: short names
    logits[uchars.index("a")] = 2.0
    return logits


def samplers(uchars, logits, monkeypatch):
    """Both samplers, each with its model answering `logits` for every position."""
    monkeypatch.setattr(microgpt, "gpt", lambda *args: [microgpt.Value(l) for l in logits])
    monkeypatch.setattr(microgpt_numpy, "forward",
                        lambda w, cfg, idx: (np.tile(logits, (1, idx.shape[1], 1)), None))
    cfg = microgpt_numpy.Config(vocab_size=len(uchars) + 1)
    flat = microgpt_numpy.init_weights(cfg)
    return {"sample": lambda t: microgpt.sample(None, uchars, t),
            "sample_numpy": lambda t: microgpt_numpy.sample_numpy(flat, cfg, uchars, t)}


@pytest.mark.parametrize("sampler", ["sample", "sample_numpy"])
def test_sampling_follows_the_probabilities_at_a_temperature(uchars, monkeypatch, sampler):
    logits = fixed_logits(uchars)
    draw = samplers(uchars, logits, monkeypatch)[sampler]
    temperature, bos = 0.5, len(uchars)
    expected = softmax_by_hand(logits, temperature)
    random.seed(13)
    counts = collections.Counter()
    for _ in range(1500):
        name = draw(temperature)
        counts.update(uchars.index(ch) for ch in name)
        if len(name) < microgpt.block_size:
            counts[bos] += 1
    n = sum(counts.values())
    assert n > 4000
    # 4 standard deviations of a frequency, at most (the seed is fixed, so this is not a flaky bound):
    off = [(i, counts[i] / n, p) for i, p in enumerate(expected) if abs(counts[i] / n - p) > 4 * (p / n) ** 0.5 + 1e-3]
    assert not off, f"(token, drawn, softmax(logits / T)): {off[:5]}"


@pytest.mark.parametrize("sampler", ["sample", "sample_numpy"])
def test_a_low_temperature_picks_the_likeliest_token_without_overflow(uchars, monkeypatch, sampler):
    logits = [10 * l for l in fixed_logits(uchars)]
    logits[len(uchars)] = 19.0  # "a" (20) is the likeliest; at T = 0.01, 2000 and 1900: far past exp's range
    draw = samplers(uchars, logits, monkeypatch)[sampler]
    random.seed(14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert draw(0.01) == "a" * microgpt.block_size


def test_sample_draws_the_names_an_independent_sampler_draws(uchars):
    """The real model, seeded: sample() gives exactly the names of a by-hand loop over gpt that draws each token
    with random.choices from softmax(logits / T), until BOS or block_size tokens."""
    random.seed(15)
    state_dict = microgpt.init_params(len(uchars) + 1)
    for row in state_dict["lm_head"]:  # sharper than at the start of training: the temperature matters
        for p in row:
            p.data *= 30

    def by_hand(temperature):
        keys, values, token, out = [[]], [[]], len(uchars), []
        for pos in range(microgpt.block_size):
            logits = [l.data for l in microgpt.gpt(state_dict, token, pos, keys, values)]
            token = random.choices(range(len(uchars) + 1), weights=softmax_by_hand(logits, temperature))[0]
            if token == len(uchars):
                break
            out.append(uchars[token])
        return "".join(out)

    for temperature in (0.5, 1.3):
        random.seed(16)
        got = [microgpt.sample(state_dict, uchars, temperature) for _ in range(4)]
        random.seed(16)
        assert got == [by_hand(temperature) for _ in range(4)], temperature
