"""Colab: every chapter's launch button and the README's list open the right notebook in the repository."""
import os
import subprocess

import pytest

import colab_links
from conftest import ROOT
from chapter import chapter_notebooks

CONFIG = colab_links.load_config()
NOTEBOOKS = chapter_notebooks()
IDS = [os.path.splitext(os.path.basename(p))[0] for p in NOTEBOOKS]


def test_the_toc_has_chapter_notebooks():
    assert len(NOTEBOOKS) >= 2 and all(p.endswith(".ipynb") for p in NOTEBOOKS), NOTEBOOKS


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
def test_the_built_page_has_that_launch_url(path, site):
    """The tool's URL is the one Jupyter Book put on the page."""
    page = os.path.join(site, os.path.splitext(path)[0] + ".html")
    assert os.path.isfile(page), f"the built site has no page {page}"
    html = open(page, encoding="utf-8").read()
    colab = CONFIG["launch_buttons"]["colab_url"].strip("/")
    found = {part.split('"')[0] for part in html.split(f'href="{colab}/')[1:]}
    assert {f"{colab}/{rest}" for rest in found} == {colab_links.colab_url(CONFIG, path)}


def test_readme_lists_the_colab_link_of_every_chapter():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    assert colab_links.readme_block(readme) == colab_links.markdown_list(), \
        "README.md's Colab links are out of date: run `.venv/bin/python tools/colab_links.py --write`"
