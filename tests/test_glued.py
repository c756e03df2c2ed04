"""Every glued number is exact (the same on every machine) or declared measured where it is glued.

tools/glued.py reads the chapters' glue cells. A value computed with numpy may differ in its last bits from
machine to machine (the BLAS kernel depends on the CPU), so each one is an int or text without a fraction,
declared measured=True, or glued as a float with noise=, a bound on its rounding noise that no format of the
prose can see. Timings are declared measured. The Colab edition and its tests accept any value for a measured
key and the build's exact value for every other.
"""
import ast
import json
import os
import re
import shutil

import pytest

from conftest import BUILD, ROOT

import colab
import glued
from chapter import chapter_notebooks

CHAPTERS = chapter_notebooks()
IDS = [os.path.splitext(os.path.basename(p))[0] for p in CHAPTERS]
TIMING = re.compile(r"(^|_)(ms|s|seconds|speedup|slowdown|slower|mflops)(_|$)")


def build_values(chapter):
    """{key: Python value} of what the build glued for the chapter; skip (or, in CI, fail) without a build."""
    try:
        texts = colab.read_glue(chapter, BUILD)
    except colab.ColabError as e:
        if os.environ.get("CI"):
            pytest.fail(str(e))
        pytest.skip(str(e))
    values = {}
    for key, text in texts.items():
        try:
            values[key] = ast.literal_eval(text)
        except (SyntaxError, ValueError):
            values[key] = text
    return values


def test_the_reader_finds_numpy_values_and_declarations(tmp_path):
    """glued.py on a made-up chapter: what comes from numpy, through assignments, calls, loops and methods."""
    code = [
        "import numpy as np\nimport random\nxs = [random.random() for _ in range(3)]\nn = len(xs)",
        "def mean(v):\n    return sum(v) / len(v)\n\ndef np_mean(v):\n    return np.mean(v)",
        "a = mean(xs)\nb = np_mean(xs)\nrows = []\nfor x in xs:\n    rows.append(np.exp(x))\nc = rows[0] * 2",
        'NOISE = 1e-9\nt = 0.25',
        'glue("a", a)\nglue("b", b, measured=True)\nglue("c", c, noise=NOISE)\nglue("n", f"{n:,}")\n'
        'for i in range(2):\n    glue(f"row_{i}", rows[i])\nglue("t", t, measured=True)',
    ]
    cells = [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None}
             for c in code]
    path = tmp_path / "book" / "01_demo.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps({"cells": cells + [{"cell_type": "markdown", "metadata": {},
                                                    "source": "{glue:text}`c:.3f` and {glue:text}`row_0:.2f`"}],
                                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    numpy = {g.key for g in glued.from_numpy(str(path))}
    assert numpy == {"b", "c", "row_.+?"}, numpy  # not a, n, t: plain Python
    measured = glued.declared_measured(str(path))
    assert measured("b") and measured("t") and not measured("a") and not measured("c")
    assert glued.undeclared(str(path), {"a": 0.5, "b": 0.1, "c": 2.71828, "n": "3", "row_0": 1.5, "row_1": 2.0,
                                        "t": 0.25}) == \
        ["01_demo.ipynb glues row_0 = 1.5, computed with numpy, as exact: declare it measured=True, "
         "or glue the float with noise=",
         "01_demo.ipynb glues row_1 = 2.0, computed with numpy, as exact: declare it measured=True, "
         "or glue the float with noise="]
    assert glued.undeclared(str(path), {"c": 2.7185}) == [  # 2.7185 +- 1e-9 shows as 2.718 or 2.719
        "01_demo.ipynb glues c = 2.7185, computed with numpy, and shows it at '.3f', which a change of 1e-09 "
        "can alter"]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_every_number_from_numpy_is_exact_or_declared(chapter):
    problems = glued.undeclared(os.path.join(ROOT, chapter), build_values(chapter))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_every_timing_is_declared_measured(chapter):
    """A key named like a timing (_ms, _s, _speedup, ...) holds a measurement unless it is a constant."""
    path = os.path.join(ROOT, chapter)
    for g in glued.glued(path):
        if TIMING.search(g.key) and not isinstance(g.value, ast.Constant):
            assert g.measured, f"{chapter} glues the timing {g.key} without measured=True"


def test_removing_a_declaration_is_caught(tmp_path):
    """The check can fail: chapter 12's worst gradient difference, a rounding-level number, glued as exact."""
    values = build_values("book/12_numpy.ipynb")
    shutil.copytree(os.path.join(ROOT, "book"), tmp_path / "book")
    path = tmp_path / "book" / "12_numpy.ipynb"
    text = path.read_text(encoding="utf-8")
    line = next(l for l in text.split("\n") if 'glue(\\"grad_worst\\"' in l)
    assert ", measured=True" in line, line
    path.write_text(text.replace(line, line.replace(", measured=True", "")), encoding="utf-8")
    problems = glued.undeclared(str(path), values)
    assert problems and all("grad_worst" in p for p in problems), problems
