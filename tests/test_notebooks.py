"""Every chapter notebook of _toc.yml runs alone, as a reader who presses the Colab button runs it.

This file is where `pytest` executes the chapter notebooks (pytest.ini does not let nbmake run them in
place): each one is copied ALONE into an empty temporary folder and run in a fresh kernel, with a private
HOME and cache and without myst_nb (see `run_alone` in conftest.py). Marker: `notebook`.
"""
import os

import pytest

from conftest import run_alone
from toc import chapter_notebooks

NOTEBOOKS = chapter_notebooks()


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[os.path.splitext(os.path.basename(p))[0] for p in NOTEBOOKS])
def test_notebook_runs_alone_in_an_empty_folder(path, tmp_path, names):
    run_alone(path, tmp_path, MICROGPT_DATA=names)
    assert not os.path.exists(tmp_path / "cache" / "names.txt")  # MICROGPT_DATA was used, nothing downloaded
