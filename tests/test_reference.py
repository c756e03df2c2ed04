"""The fidelity target: code/microgpt.py prints the original microgpt's trace, line for line.

The original's output is committed as a test fixture (tests/fixtures/microgpt-reference-run.txt), so these
checks need nothing from outside the repository."""
import hashlib
import os

import pytest

from conftest import ORIGINAL_TRACE_SHA256, ROOT, SHARED, executed_notebook

REFERENCE = os.path.join(ROOT, "tests", "fixtures", "microgpt-reference-run.txt")


def test_the_fixture_is_the_original_trace():
    with open(REFERENCE, "rb") as f:
        data = f.read()
    assert hashlib.sha256(data).hexdigest() == ORIGINAL_TRACE_SHA256
    assert data.count(b"\n") == 1024 and b"\r" not in data
    shared = os.path.join(SHARED, "reference", "microgpt-reference-run.txt")
    if os.path.isfile(shared):  # the copy the project started from, where it is at hand
        assert open(shared, "rb").read() == data


@pytest.mark.slow
def test_full_run_matches_the_original(run_script):
    code, out, err = run_script("microgpt.py")
    assert code == 0, err
    expected = open(REFERENCE).read().splitlines()
    got = out.splitlines()
    mismatches = [(i + 1, a, b) for i, (a, b) in enumerate(zip(got, expected)) if a != b]
    assert len(got) == len(expected) == 1024 and not mismatches, mismatches[:5]
    assert hashlib.sha256(out.encode()).hexdigest() == ORIGINAL_TRACE_SHA256


@pytest.mark.parametrize("chapter", ["book/07_optimization.ipynb", "book/11_microgpt.ipynb"])
def test_the_build_compared_the_chapters_run_line_by_line(chapter, site):
    """In the build the chapters find the fixture, so their line-by-line comparison ran (not only the hash)."""
    nb = executed_notebook(chapter)
    if nb is None:
        pytest.skip("the build keeps no cache of executed notebooks")
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "line by line: all 1024 lines equal " in printed, "the chapter did not find the reference trace"
