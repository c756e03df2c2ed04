"""Colab: every chapter's launch button opens the right notebook, and every notebook runs alone.

This file is also where `pytest` executes every chapter notebook (pytest.ini no longer lets nbmake run them
in place): each one is copied ALONE into an empty temporary folder and run in a fresh kernel, the way a
reader who presses the Colab button runs it. One notebook without the data and without a network must
stop with the loader's one-sentence message.
"""
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from conftest import ROOT, SHARED

sys.path.insert(0, os.path.join(ROOT, "tools"))
import colab_links  # noqa: E402
import data  # noqa: E402  (code/data.py: only for the expected message; the notebooks never import it)

CONFIG = colab_links.load_config()
NOTEBOOKS = colab_links.chapter_notebooks()
NAMES = os.environ.get("MICROGPT_DATA") or os.path.join(SHARED, "data", "names.txt")
DEAD_PROXY = "http://127.0.0.1:9"  # nothing listens on the discard port: every download fails at once
IDS = [os.path.splitext(os.path.basename(p))[0] for p in NOTEBOOKS]


def built_site():
    return os.path.join(ROOT, os.environ.get("MICROGPT_SITE") or os.path.join("_build", "html"))


def test_the_toc_has_chapter_notebooks():
    assert len(NOTEBOOKS) >= 2 and all(p.endswith(".ipynb") for p in NOTEBOOKS), NOTEBOOKS


# --- launch buttons -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_launch_url_points_at_the_notebook_in_the_repository(path):
    repository = CONFIG["repository"]
    _, org, repo = repository["url"].strip("/").rsplit("/", 2)
    prefix = f"{CONFIG['launch_buttons']['colab_url'].strip('/')}/github/{org}/{repo}/blob/{repository['branch']}/"
    url = colab_links.colab_url(CONFIG, path)
    assert url.startswith(prefix), (url, prefix)  # the configured branch, the configured repository
    in_repo = url[len(prefix):]
    segments = in_repo.split("/")
    assert "." not in segments and ".." not in segments and "" not in segments, f"odd path in {url}"
    assert os.path.isfile(os.path.join(ROOT, in_repo)), f"{url} points at {in_repo}, which does not exist"
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", in_repo], cwd=ROOT, capture_output=True)
    assert tracked.returncode == 0, f"{in_repo} is not committed, so {url} would not find it on GitHub"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_the_built_page_has_that_launch_url(path):
    """The tool's URL is the one Jupyter Book put on the page (checked when a built site is at hand)."""
    page = os.path.join(built_site(), os.path.splitext(path)[0] + ".html")
    if not os.path.isfile(page):
        if os.environ.get("MICROGPT_SITE"):
            pytest.fail(f"MICROGPT_SITE is set, but {page} does not exist")
        pytest.skip("no built site in _build/html (run `make book` to check the launch buttons on it)")
    html = open(page, encoding="utf-8").read()
    colab = CONFIG["launch_buttons"]["colab_url"].strip("/")
    found = {part.split('"')[0] for part in html.split(f'href="{colab}/')[1:]}
    assert {f"{colab}/{rest}" for rest in found} == {colab_links.colab_url(CONFIG, path)}


def test_readme_lists_the_colab_link_of_every_chapter():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert colab_links.readme_block(readme) == colab_links.markdown_list(), \
        "README.md's Colab links are out of date: run `.venv/bin/python tools/colab_links.py --write`"


# --- the Colab reader: a notebook alone in an empty folder ---------------------------------------------------

ALONE_CHECK = '''\
def _alone():  # injected by tests/test_colab.py: the notebook must not lean on the repository
    import importlib.util, os, sys
    assert os.listdir(".") == [{name!r}], os.listdir(".")
    assert not {{{repo_dirs}}} & {{os.path.abspath(p or ".") for p in sys.path}}, sys.path
    assert importlib.util.find_spec("data") is None and importlib.util.find_spec("microgpt") is None
_alone()
del _alone
'''


def run_alone(path, tmp_path, **env_changes):
    """Execute the notebook at path (relative to ROOT) alone in tmp_path/colab, in a fresh kernel whose
    HOME and MICROGPT_CACHE are fresh folders; env_changes (None deletes) adjust its environment."""
    folder, home, blocked = tmp_path / "colab", tmp_path / "home", tmp_path / "not-on-colab"
    for d in (folder, home, blocked / "myst_nb"):
        d.mkdir(parents=True)
    # The book's build tools are installed here but not on Colab: hide myst_nb, so `glue` takes the
    # fallback a Colab reader gets.
    (blocked / "myst_nb" / "__init__.py").write_text('raise ImportError("myst_nb is not installed on Colab")\n')
    name = os.path.basename(path)
    shutil.copy(os.path.join(ROOT, path), folder / name)
    nb = nbformat.read(str(folder / name), as_version=4)
    repo_dirs = ", ".join(repr(os.path.abspath(os.path.join(ROOT, d))) for d in ("", "code", "book", "tools"))
    nb.cells.insert(0, nbformat.v4.new_code_cell(ALONE_CHECK.format(name=name, repo_dirs=repo_dirs)))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MICROGPT_", "PYTHON", "JUPYTER", "IPYTHON", "MPLCONFIG"))}
    env.update(HOME=str(home), MICROGPT_CACHE=str(tmp_path / "cache"), PYTHONPATH=str(blocked))
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    client.execute(env=env)
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_alone_in_an_empty_folder(path, tmp_path):
    run_alone(path, tmp_path, MICROGPT_DATA=NAMES)
    assert not os.path.exists(tmp_path / "cache" / "names.txt")  # MICROGPT_DATA was used, nothing downloaded


def test_without_data_and_offline_it_stops_with_one_sentence(tmp_path):
    proxies = {k: DEAD_PROXY for k in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY")}
    with pytest.raises(CellExecutionError) as error:
        run_alone("book/01_tokenizing.ipynb", tmp_path, MICROGPT_DATA=None, NO_PROXY=None, no_proxy=None, **proxies)
    e = error.value
    assert e.ename == "DataError", str(e)
    assert e.evalue.startswith(f"Could not download names.txt from {data.NAMES_URL}"), e.evalue
    assert e.evalue.endswith("or set MICROGPT_DATA to the path of a local copy."), e.evalue
    assert "\n" not in e.evalue and len(e.evalue) < 300, e.evalue
    assert "During handling of the above exception" not in str(e)  # the message stands alone, no chained noise
    assert not os.path.exists(tmp_path / "cache" / "names.txt")
    assert not os.path.exists(tmp_path / "cache" / "names.txt.part")
