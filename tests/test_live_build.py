"""The build side of live mode, without a browser: what tools/live.py tells the page about a chapter's cells,
how tools/pyodide_fetch.py checks the pinned Pyodide core before it goes into the site, and that every script
under book/_static/ parses (node --check)."""
import glob
import io
import json
import os
import re
import subprocess
import sys
import tarfile

import pytest

from conftest import ROOT

import live
import pyodide_fetch

ORIGINAL_NPM_PACK = pyodide_fetch.npm_pack


def code(source, tags=()):
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)}, "outputs": []}


def test_live_cells_are_the_cells_on_the_page(tmp_path):
    notebook = {"cells": [
        {"cell_type": "markdown", "source": "# A chapter", "metadata": {}},
        code("#| setup\nimport random\ndocs = ['emma']", ["hide-input"]),
        code("#| block tokenizer\n#| export train0\ndef f():\n    return 1"),
        code('glue("n", 3, display=False)', ["remove-cell"]),
        code("import numpy as np\nprint(np.zeros(2))"),
        code("raise ValueError('on purpose')", ["raises-exception"]),
        code("import matplotlib.pyplot as plt\nplt.plot([1])", ["remove-input"]),
    ]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook))
    cells = live.live_cells(str(path))
    assert [c["source"] for c in cells] == [
        "import random\ndocs = ['emma']", "def f():\n    return 1", "import numpy as np\nprint(np.zeros(2))",
        "raise ValueError('on purpose')", "import matplotlib.pyplot as plt\nplt.plot([1])"]  # no glue cell, no #|
    assert [c["setup"] for c in cells] == [True, False, False, False, False]
    assert [c["input"] for c in cells] == [False, True, True, True, False]
    assert [c["raises"] for c in cells] == [False, False, False, True, False]
    assert [c["needs"] for c in cells] == [[], [], ["numpy"], [], ["matplotlib"]]


SETUP_WITH_STUBS = """
import sys
sys.path.insert(0, {static!r})
import live_kernel
live_kernel.setup({names!r})
for source in {sources!r}:
    assert live_kernel.run(source, "setup") == "ok", source[:200]
assert type(sys.modules.get("numpy", live_kernel._StubModule("numpy"))) is live_kernel._StubModule  # never the real one
"""


def test_every_setup_runs_in_the_core_runtime(names):
    """Live mode runs a chapter's setup first, in Pyodide's core runtime, where numpy and matplotlib are stubs
    that import fine and refuse to be used: run every chapter's setup that way, in a fresh Python."""
    import colab_links
    static = os.path.join(ROOT, "book", "_static", "live")
    for notebook in colab_links.chapter_notebooks():
        cells = live.live_cells(os.path.join(ROOT, notebook))
        setup = [c for c in cells if c["setup"]]
        assert setup and cells[:len(setup)] == setup, notebook
        script = SETUP_WITH_STUBS.format(static=static, names=names, sources=[c["source"] for c in setup])
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{notebook}: its setup does not run live:\n{result.stderr[-2000:]}"


def test_every_script_parses(node):
    """`node --check` on every script of the site: a syntax error in one would show only in a reader's console."""
    scripts = sorted(glob.glob(os.path.join(ROOT, "book", "_static", "**", "*.js"), recursive=True))
    assert any(path.endswith("playground.js") for path in scripts), scripts
    for path in scripts:
        result = subprocess.run([node, "--check", path], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{os.path.relpath(path, ROOT)} does not parse:\n{result.stderr[-2000:]}"


def fake_tarball(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.fixture
def pinned(tmp_path, monkeypatch):
    """A pin for a made-up release whose 'npm pack' the test controls."""
    files = {name: f"contents of {name}".encode() for name in pyodide_fetch.CORE}
    data = fake_tarball(files)
    pin = {"version": "0.0.1", "integrity": pyodide_fetch.integrity(data, "sha512"), "cdn": "", "packages": "",
           "files": {name: pyodide_fetch.integrity(content, "sha384") for name, content in files.items()}}
    (tmp_path / "pin.json").write_text(json.dumps(pin))
    monkeypatch.setattr(pyodide_fetch, "PIN", str(tmp_path / "pin.json"))
    monkeypatch.setenv("MICROGPT_CACHE", str(tmp_path / "cache"))
    packed = {"data": data, "calls": 0}

    def npm_pack(version):
        packed["calls"] += 1
        return packed["data"]
    monkeypatch.setattr(pyodide_fetch, "npm_pack", npm_pack)
    return files, packed


def test_fetch_installs_the_checked_core_and_caches_it(pinned, tmp_path):
    files, packed = pinned
    pyodide_fetch.install(str(tmp_path / "site"))
    for name, content in files.items():
        assert (tmp_path / "site" / name).read_bytes() == content
    assert (tmp_path / "cache" / "pyodide-0.0.1.tgz").is_file() and packed["calls"] == 1
    pyodide_fetch.install(str(tmp_path / "site2"))
    assert packed["calls"] == 1, "the second install comes from the cache"


def test_fetch_refuses_a_tarball_that_is_not_the_pinned_one(pinned, tmp_path):
    files, packed = pinned
    packed["data"] = fake_tarball({**files, "pyodide.asm.wasm": b"something else"})
    with pytest.raises(ValueError, match="does not match the integrity pinned"):
        pyodide_fetch.install(str(tmp_path / "site"))
    assert not (tmp_path / "site").exists() and not (tmp_path / "cache" / "pyodide-0.0.1.tgz").exists()


def test_fetch_without_npm_says_so(pinned, tmp_path, monkeypatch):
    monkeypatch.setattr(pyodide_fetch, "npm_pack", ORIGINAL_NPM_PACK)
    monkeypatch.setattr(pyodide_fetch.shutil, "which", lambda name: None)
    with pytest.raises(pyodide_fetch.FetchError, match="npm is not installed"):
        pyodide_fetch.install(str(tmp_path / "site"))


def test_the_pin_names_one_version_everywhere():
    pin = pyodide_fetch.load_pin()
    assert f"pyodide@{pin['version']}/" in pin["cdn"] and f"/v{pin['version']}/" in pin["packages"]
    assert pin["integrity"].startswith("sha512-") and sorted(pin["files"]) == sorted(pyodide_fetch.CORE)
    assert all(h.startswith("sha384-") for h in pin["files"].values())


PLAYGROUND = """
import json, sys, types
sys.path[:0] = [{static!r}, {code!r}]
js, ffi = types.ModuleType("js"), types.ModuleType("pyodide.ffi")
js.liveEmit = lambda *args: None  # the page's progress callback
ffi.to_js = lambda value: value
sys.modules.update({{"js": js, "pyodide": types.ModuleType("pyodide"), "pyodide.ffi": ffi}})
import playground
playground.train(json.dumps({{"steps": 1000, "seed": 42, "learning_rate": 0.01, "log": False, "snapshots": False}}))
first = json.loads(playground.sample(json.dumps({{"temperature": 0.5, "count": 20, "seed": 42, "draw": 0}})))
again = json.loads(playground.sample(json.dumps({{"temperature": 0.5, "count": 20, "seed": 42, "draw": 0}})))
other = json.loads(playground.sample(json.dumps({{"temperature": 0.5, "count": 20, "seed": 42, "draw": 1}})))
print(json.dumps([first["names"], again["names"], other["names"]]))
"""


@pytest.mark.slow
def test_the_playground_samples_the_original_names(names):
    """With the original run's settings, the playground's first 20 names at temperature 0.5 are the 20 names of
    the original's trace (the random stream continues after training, as in main()), every time it is asked;
    New draws gives others. Run in this Python with the page's callbacks stubbed: playground.py is the file the
    browser runs."""
    reference = open(os.path.join(ROOT, "tests", "fixtures", "microgpt-reference-run.txt")).read().splitlines()
    expected = [line.split(": ", 1)[1] for line in reference if line.startswith("sample ")]
    script = PLAYGROUND.format(static=os.path.join(ROOT, "book", "_static", "live"), code=os.path.join(ROOT, "code"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, MICROGPT_DATA=names))
    assert done.returncode == 0, done.stderr[-2000:]
    first, again, other = json.loads(done.stdout.splitlines()[-1])
    assert len(expected) == 20 and first == expected and again == expected
    assert other != expected


ENTERED = """
import json, sys, types
sys.path[:0] = [{static!r}, {code!r}]
js, ffi = types.ModuleType("js"), types.ModuleType("pyodide.ffi")
emitted = []
js.liveEmit = lambda text, weights: emitted.append((json.loads(text), list(weights)))
ffi.to_js = lambda value: value
sys.modules.update({{"js": js, "pyodide": types.ModuleType("pyodide"), "pyodide.ffi": ffi}})
import microgpt, playground
backward, doc_loss = microgpt.Value.backward, microgpt.doc_loss
runs = []
for entered in (False, True):
    emitted.clear()
    args = {{"steps": 5, "seed": 42, "learning_rate": 0.01, "log": False, "entered": entered}}
    runs.append([json.loads(playground.train(json.dumps(args)))["losses"], list(emitted)])
    assert microgpt.Value.backward is backward and microgpt.doc_loss is doc_loss, "restored after train()"
print(json.dumps(runs))
"""


def test_steps_entered_afresh_change_nothing(names):
    """playground.py's speed-up for the browser (each step's forward and backward pass entered afresh, through
    functools.partial) gives the same losses and the same weights after every step as train() as it is, and
    puts the model's functions back afterwards."""
    script = ENTERED.format(static=os.path.join(ROOT, "book", "_static", "live"), code=os.path.join(ROOT, "code"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, MICROGPT_DATA=names))
    assert done.returncode == 0, done.stderr[-2000:]
    (plain_losses, plain_weights), (entered_losses, entered_weights) = json.loads(done.stdout.splitlines()[-1])
    assert len(plain_losses) == 5 and entered_losses == plain_losses
    assert len(plain_weights) == 6 and entered_weights == plain_weights  # before each step, and after the last


def test_every_stylesheet_closes_what_it_opens():
    """A block left open swallows every rule after it (a merge once left the reduced-motion block open, and the
    language switch's rules, inside it, applied to no one)."""
    for path in glob.glob(os.path.join(ROOT, "book", "_static", "**", "*.css"), recursive=True):
        text = re.sub(r"/\*.*?\*/", "", open(path, encoding="utf-8").read(), flags=re.S)
        depth = 0
        for char in text:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, f"{path}: a }} closes nothing"
        assert depth == 0, f"{path}: {depth} block(s) left open"
