"""code/microgpt.py as a command: short runs, custom data, and one-sentence errors for bad input."""
import random

import pytest

import microgpt_numpy
from conftest import assert_one_sentence


def numpy_trace_steps(names, num_steps):
    """The step lines of the same run, computed in-process by the numpy port (book/10_chatgpt.ipynb)."""
    random.seed(42)
    docs = microgpt_numpy.load_docs(names)
    random.shuffle(docs)
    uchars = microgpt_numpy.build_vocab(docs)
    cfg = microgpt_numpy.Config(vocab_size=len(uchars) + 1)
    losses = microgpt_numpy.train_numpy(microgpt_numpy.init_weights(cfg), cfg, docs, uchars, num_steps)
    return [f"step {i + 1:4d} / {num_steps:4d} | loss {loss:.4f}" for i, loss in enumerate(losses)]


def test_short_run_prints_the_trace_shape(run_script, names):
    code, out, err = run_script("microgpt.py", "--steps", "3", "--samples", "2", "--temperature", "0.8",
                                env={"MICROGPT_DATA": names})
    lines = out.splitlines()
    assert code == 0, err
    assert lines[:3] == ["num docs: 32033", "vocab size: 27", "num params: 4192"]
    assert lines[3] == "step    1 /    3 | loss 3.3660"  # the original's first loss: nothing is trained yet
    assert lines[3:6] == numpy_trace_steps(names, 3)  # whole lines: a NaN or a wrong loss fails here
    assert lines[6] == "--- inference (new, hallucinated names) ---"
    assert len(lines) == 9 and lines[7].startswith("sample  1: ") and lines[8].startswith("sample  2: ")


def test_vocabulary_comes_from_the_data(run_script, tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("héllo\nwörld\nαβγ\n", encoding="utf-8")
    code, out, err = run_script("microgpt.py", "--data", str(path), "--steps", "2", "--samples", "1")
    assert code == 0, err
    vocab = len(set("héllowörldαβγ")) + 1
    assert out.splitlines()[:2] == ["num docs: 3", f"vocab size: {vocab}"]


def test_seed_changes_the_run_and_repeats_it(run_script):
    runs = [run_script("microgpt.py", "--steps", "2", "--samples", "3", "--seed", seed)[1] for seed in ("1", "1", "2")]
    assert runs[0] == runs[1] != runs[2]


# Each bad value comes after `--steps 1 --samples 1` (the last one wins): should its check break, the run
# ends in a second instead of training for 1000 steps, and the test fails at once.
@pytest.mark.parametrize("args, words", [
    (["--temperature", "0"], "--temperature must be greater than 0"),
    (["--temperature", "-1"], "--temperature must be greater than 0"),
    (["--temperature", "nan"], "--temperature must be greater than 0"),
    (["--steps", "0"], "--steps must be at least 1"),
    (["--samples", "-2"], "--samples cannot be negative"),
    (["--data", "/no/such/names.txt"], "does not exist"),
])
def test_bad_values_stop_with_one_sentence(run_script, args, words):
    code, out, err = run_script("microgpt.py", "--steps", "1", "--samples", "1", *args)
    assert code != 0 and out == ""
    assert words in err, err
    assert_one_sentence(err, stderr=True)


def test_empty_data_file(run_script, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("")
    code, out, err = run_script("microgpt.py", "--data", str(path), "--steps", "1", "--samples", "1")
    assert code != 0 and "is empty" in err, err
    assert_one_sentence(err, stderr=True)
