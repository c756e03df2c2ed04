"""Every Colab notebook runs alone, top to bottom, as *Run all* runs it in Colab.

Each colab/NN_name.ipynb is copied ALONE into an empty folder and executed in a fresh kernel, with a private
HOME and cache, without myst_nb (Colab has none), and with no cell allowed to fail: Colab's Run all stops at the
first exception, whatever a cell's tags say. The data comes from conftest's `names` (MICROGPT_DATA, the copy
beside the repository, or the loader's own download; in Colab: the loader's download). A cell that fails on
purpose must catch its error and print the very error the build recorded.
This run replaces the standalone run of the MyST chapters, so CI executes each chapter twice: in the build, and
here.

The Chinese edition (colab/zh/) runs for one chapter, ZH_RUN: its code cells are the English edition's byte for
byte, metadata included (tests/test_colab_rendition.py, a quick test), and Markdown cells do not run, so one
chapter is enough to show that a zh notebook is a valid notebook that runs alone; running all of them would
double this, the longest step of CI, for nothing new. ZH_RUN is the quickest chapter (the cells that fail on
purpose are the same code in both editions, and run in the English edition of chapters 6 and 8).
"""
import os
import re

import nbformat
import pytest

from conftest import ROOT, executed_notebook, run_alone

import colab
import colab_links

CHAPTERS = colab_links.chapter_notebooks()
IDS = [os.path.splitext(os.path.basename(p))[0] for p in CHAPTERS]
ZH_RUN = ["book/01_tokenizing.ipynb"]  # the Chinese edition's chapter that runs (see above)

def printed(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def build_errors(chapter):
    """(ename, evalue) of every error the build's run of the chapter showed, in order (_build/jupyter_execute
    keeps no error outputs); None without a build."""
    nb = executed_notebook(chapter)
    if nb is None:
        return None
    return [(o.ename, o.evalue) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.output_type == "error"]


@pytest.mark.notebook
@pytest.mark.parametrize("chapter, language", [(c, None) for c in CHAPTERS] + [(c, "zh_CN") for c in ZH_RUN],
                         ids=IDS + ["zh-" + os.path.splitext(os.path.basename(c))[0] for c in ZH_RUN])
def test_colab_notebook_runs_alone_top_to_bottom(chapter, language, tmp_path, names):
    path = colab_links.colab_path(chapter, language)
    for cell in nbformat.read(os.path.join(ROOT, path), as_version=4).cells:
        assert not cell.metadata.get("tags"), "a tag (raises-exception) would forgive an error"
    nb = run_alone(path, tmp_path, MICROGPT_DATA=names)
    assert not os.path.exists(tmp_path / "cache" / "names.txt")  # MICROGPT_DATA was used, nothing downloaded
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(o.output_type != "error" for c in code for o in c.outputs)
    for cell in code:
        if colab.SOLUTION_TITLE in cell.source:
            assert not cell.outputs, f"a folded solution ran under Run all: {cell.source[:200]}"
    caught = [printed(c) for c in code if colab.EXCEPT_LINE in c.source]
    for text in caught:  # the except branch ran: the print is the proof that the body raised
        assert re.fullmatch(r"\w+: .+\n", text, re.S), text
    expected = build_errors(chapter)
    if expected is not None:
        assert caught == [f"{ename}: {evalue}\n" for ename, evalue in expected], (caught, expected)
