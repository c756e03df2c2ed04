"""The ladder: one table, written by tools/ladder.py into every chapter that shows it, and it climbs.

The first tests read the notebooks: every ladder table has the same header and is exactly what the tool
writes, and a hand edit is refused. The others read the numbers the book itself glued into its pages, from
the executed notebooks that `make book` leaves beside the site (_build/jupyter_execute/book/*.glue.json next
to _build/html; the `site` fixture of conftest.py finds the build; without one these tests skip, or fail
where CI is set): each rung's model beats the one before on validation loss.
"""
import glob
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

import ladder
import chapter
import tangle

RUNGS = ["uniform", "bigram", "trigram", "mlp", "autograd", "attention", "gpt", "adam"]


def ladder_tables(root=ROOT):
    """{notebook: [the Markdown of each ladder table it shows]}, read between the markers."""
    tables = {}
    for path in sorted(glob.glob(os.path.join(root, "book", "*.ipynb"))):
        for cell in json.load(open(path, encoding="utf-8"))["cells"]:
            text = chapter.cell_source(cell)
            for match in ladder.START.finditer(text):
                tables.setdefault(os.path.basename(path), []).append(
                    text[match.end():text.index(ladder.END, match.end())])
    return tables


def test_every_chapter_shows_the_same_columns():
    tables = ladder_tables()
    assert sorted(tables) == sorted({owner for *_, owner in ladder.RUNGS}), sorted(tables)
    headers = {table.splitlines()[0] for shown in tables.values() for table in shown}
    assert headers == {ladder.header().splitlines()[0]}, headers
    assert [key for key, *_ in ladder.RUNGS] == RUNGS


def test_the_tables_are_what_the_tool_writes():
    result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "ladder.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def repo(tmp_path):
    for folder in ("book", "tools"):
        shutil.copytree(os.path.join(ROOT, folder), tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(os.path.join(ROOT, "_toc.yml"), tmp_path / "_toc.yml")  # the chapters, in order
    return str(tmp_path)


def edit_ladder_cell(root, notebook, change):
    path = os.path.join(root, "book", notebook)
    nb = json.load(open(path, encoding="utf-8"))
    cell = next(c for c in nb["cells"] if ladder.START.search(chapter.cell_source(c)))
    chapter.set_cell_source(cell, change(chapter.cell_source(cell)))
    open(path, "w", encoding="utf-8").write(chapter.notebook_text(nb))


def run_ladder(root, *args):
    return subprocess.run([sys.executable, os.path.join(root, "tools", "ladder.py"), *args],
                          capture_output=True, text=True)


def test_a_hand_edit_fails_the_check_with_one_sentence(repo):
    edit_ladder_cell(repo, "05_attention.ipynb", lambda text: text.replace("| perplexity |", "| ppl |", 1))
    result = run_ladder(repo, "--check")
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("book/05_attention.ipynb: ") and lines[0].endswith("."), lines
    assert run_ladder(repo).returncode == 0 and run_ladder(repo, "--check").returncode == 0  # rewritten


@pytest.mark.parametrize("change, says", [
    (lambda text: text.replace("up to attention;", "up to atention;"), "not a rung"),
    (lambda text: text.replace(ladder.END, ""), "without its end marker"),
    (lambda text: text.replace("up to attention;", "up to gpt;"), "a later chapter trains"),
])
def test_a_broken_marker_is_refused_with_one_sentence(repo, change, says):
    edit_ladder_cell(repo, "05_attention.ipynb", change)
    result = run_ladder(repo, "--check")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and says in lines[0], result.stderr
    assert "05_attention.ipynb" in lines[0] and "Traceback" not in result.stderr


def test_a_rung_its_chapter_does_not_glue_is_refused(repo):
    path = os.path.join(repo, "book", "06_gpt.ipynb")
    text = open(path, encoding="utf-8").read()
    open(path, "w", encoding="utf-8").write(text.replace('glue(\\"ladder_gpt_ppl\\"', 'glue(\\"gpt_ppl\\"'))
    result = run_ladder(repo, "--check")
    assert result.returncode == 2 and "book/06_gpt.ipynb does not glue ladder_gpt_ppl" in result.stderr, result.stderr


def glued_values(build):
    """Every value the chapters glued, from the <chapter>.glue.json files myst-nb writes while building."""
    values = {}
    for path in sorted(glob.glob(os.path.join(build, "jupyter_execute", "book", "*.glue.json"))):
        for name, output in json.load(open(path, encoding="utf-8")).items():
            text = output["data"]["text/plain"]
            values[name] = ("".join(text) if isinstance(text, list) else text).strip("'\"")
    return values


@pytest.fixture(scope="module")
def glue(site):
    build = os.path.dirname(os.path.abspath(site))
    values = glued_values(build)
    assert values, f"the built site {site} has no executed notebooks beside it ({build}/jupyter_execute/book)"
    return values


def test_every_rung_reports_its_row(glue):
    for rung in RUNGS:
        for column in ("params", "val_loss", "ppl", "steps"):
            assert f"ladder_{rung}_{column}" in glue, f"ladder_{rung}_{column} is not glued by any chapter"


def test_each_rung_beats_the_one_before(glue):
    """Counts: the trigram beats the bigram. Trained models, each on the one before it (the autograd MLP equals
    the hand-written one by design). And the trigram, which counted every training name, still beats microgpt,
    which saw 1,000 of them: chapter 7 says so, and the evidence appendix shows the GPT winning given equal data."""
    loss = {rung: float(glue[f"ladder_{rung}_val_loss"]) for rung in RUNGS}
    assert loss["trigram"] < loss["bigram"] < loss["uniform"]
    trained = RUNGS[RUNGS.index("mlp"):]
    for lower, upper in zip(trained, trained[1:]):
        if upper == "autograd":
            assert loss[upper] == loss[lower], (lower, upper)
        else:
            assert loss[upper] < loss[lower], f"{upper} ({loss[upper]}) does not beat {lower} ({loss[lower]})"
    assert loss["trigram"] < loss["adam"]


def test_the_full_model_has_4192_parameters(glue):
    assert glue["ladder_gpt_params"].replace(",", "") == glue["ladder_adam_params"].replace(",", "") == "4192"


def test_chapter_6_retrains_the_one_head_rung_exactly(glue):
    """Chapter 6 checks that the full GPT beats one head against a one-head model it trains again itself."""
    assert glue["one_head_val"] == glue["ladder_attention_val_loss"], (glue["one_head_val"],
                                                                       glue["ladder_attention_val_loss"])
