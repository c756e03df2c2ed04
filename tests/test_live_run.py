"""Every chapter runs live from its first cell to its last, as the Run live button runs it.

Live mode runs a chapter's cells in Pyodide's core runtime, where numpy and matplotlib are stubs that import fine
and refuse to be used (book/_static/live/live_kernel.py). A chapter whose subject needs numpy (the numpy port,
the evidence appendix, the numpy-powered hallucination census) declares it in its notebook metadata
(`"microgpt": {"live_needs": ["numpy"]}`): live mode loads numpy before its setup. This test runs every chapter's
cells through live_kernel.run, in a fresh Python in an empty folder, with the same stubs (numpy real only where
the chapter declares it), and checks the rule that keeps a chapter runnable to its last cell:

- every cell runs ("ok"), raises on purpose (tagged raises-exception), or stops at numpy or matplotlib
  ("needs:"), which on the page keeps the build's output (a cell that only draws);
- a cell that stopped there defines nothing that a later cell which runs reads: compute in plain Python, draw
  in a cell of its own.

Running the cells in this Python instead of Pyodide itself keeps the test to the time of one native run per
chapter (Pyodide takes about twice as long): the stubs, the kernel and the cells are the same files.
"""
import json
import os
import subprocess
import sys

import pytest

import live
import tangle
from chapter import chapter_notebooks
from conftest import ROOT

CHAPTERS = chapter_notebooks()
STATIC = os.path.join(ROOT, "book", "_static", "live")
RUN = """
import json, sys
sys.path.insert(0, {static!r})
import live_kernel
live_kernel.setup({names!r})
if {numpy!r}:
    live_kernel.drop_stubs("numpy")
    import numpy
results = []
for source in {sources!r}:
    before = {{k: id(v) for k, v in live_kernel.NS.items()}}
    status = live_kernel.run(source, "<cell>")
    touched = [k for k, v in live_kernel.NS.items() if before.get(k) != id(v) and not k.startswith("__")]
    results.append([status, touched])
print("RESULTS " + json.dumps(results))
"""


@pytest.mark.notebook
@pytest.mark.parametrize("chapter", CHAPTERS, ids=[os.path.basename(c)[:-6] for c in CHAPTERS])
def test_every_chapter_runs_live_to_its_last_cell(chapter, names, tmp_path):
    path = os.path.join(ROOT, chapter)
    cells = live.live_cells(path)
    script = RUN.format(static=STATIC, names=names, numpy="numpy" in live.chapter_needs(path),
                        sources=[c["source"] for c in cells])
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                          timeout=1200, env=dict(os.environ, MPLBACKEND="agg"))
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULTS ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    results = json.loads(lines[-1][len("RESULTS "):])
    partial = {}  # name -> the cell that stopped at numpy or matplotlib after (re)defining it
    for number, (cell, (status, touched)) in enumerate(zip(cells, results), 1):
        where = f"{chapter}, live cell {number}"
        if status == "ok":
            read = tangle.names_of(cell["source"], where)[1]
            stale = {name: partial[name] for name in read if name in partial}
            assert not stale, f"{where} reads {sorted(stale)}, left half-made by a cell that stopped at numpy or " \
                f"matplotlib (cells {sorted(set(stale.values()))}): compute in plain Python, draw in a cell of its own"
            for name in touched:
                partial.pop(name, None)
        elif status.startswith("needs:"):
            assert not cell["setup"], f"{where}: the setup needs {status[6:]}; declare it in the notebook's metadata"
            partial.update({name: number for name in touched})
        else:
            assert status == "error" and cell["raises"], f"{where} fails live ({status}):\n{done.stdout[-2000:]}"
