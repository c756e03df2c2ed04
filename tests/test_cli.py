"""code/microgpt.py as a command: short runs, custom data, and one-sentence errors for bad input."""
import pytest


def test_short_run_prints_the_trace_shape(run_script):
    code, out, err = run_script("microgpt.py", "--steps", "3", "--samples", "2", "--temperature", "0.8")
    lines = out.splitlines()
    assert code == 0, err
    assert lines[:3] == ["num docs: 32033", "vocab size: 27", "num params: 4192"]
    assert [l[:18] for l in lines[3:6]] == ["step    1 /    3 |", "step    2 /    3 |", "step    3 /    3 |"]
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


@pytest.mark.parametrize("args, words", [
    (["--temperature", "0"], "--temperature must be greater than 0"),
    (["--temperature", "-1"], "--temperature must be greater than 0"),
    (["--temperature", "nan"], "--temperature must be greater than 0"),
    (["--steps", "0"], "--steps must be at least 1"),
    (["--samples", "-2"], "--samples cannot be negative"),
    (["--data", "/no/such/names.txt"], "does not exist"),
])
def test_bad_values_stop_with_one_sentence(run_script, args, words):
    code, out, err = run_script("microgpt.py", *args)
    assert code != 0 and out == ""
    assert words in err and err.count("\n") == 1 and "Traceback" not in err, err


def test_empty_data_file(run_script, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("")
    code, out, err = run_script("microgpt.py", "--data", str(path))
    assert code != 0 and "is empty" in err and "Traceback" not in err
