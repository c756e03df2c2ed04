"""The book as one PDF (tools/pdf.py, `make pdf`, the end of `make book`), read back as text with pypdf.

Checks: a title page with the title and a commit of this repository; the contents name every page of _toc.yml
with the page it starts on, and so does the PDF's outline; every chapter's title in the text; no raw markup left (`$...$`, `{glue`, `#|`,
`{ref}`, `{{`); every glued number the website shows; every line of code/microgpt.py whole; a sane page count;
every page of the site links the PDF where it is. And the tool: its print CSS wraps a long code line where
the screen's scrolls, its width check sees the difference, and its refusals are one sentence.

The PDF comes with the built site (the `site` fixture). Reading it takes seconds and it was printed by
Chromium, so those tests are marked `browser`, as the test of the site in Chromium is.
"""
import ast
import os
import re
import subprocess
import unicodedata

import pytest

from conftest import ROOT, assert_one_sentence, headless_chromium
from chapter import cell_source, read_notebook, toc_files

import pdf

MARKUP = re.compile(r"\$[^$\n]+\$|\\\(.*?\\\)|\\\[.*?\\\]|\{glue|#\||\{ref\}|\{\{")


def plain(text):
    """Text as compared here: ligatures (fi) undone, no whitespace at all (a wrapped line is still whole)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def straight(text):
    """Typographic quotes as typed: Sphinx curls the apostrophe of "A facilitator's guide" on the page."""
    return text.translate(str.maketrans("‘’“”", "''\"\""))


@pytest.fixture(scope="module")
def pages(site):
    from pypdf import PdfReader
    path = os.path.join(site, pdf.NAME)
    if not os.path.isfile(path):
        reason = f"the site has no {pdf.NAME}: `make book` prints it where Chromium is installed (or `make pdf`)"
        pytest.fail(reason) if os.environ.get("CI") else pytest.skip(reason)
    return [straight(unicodedata.normalize("NFKC", page.extract_text())) for page in PdfReader(path).pages]


def chapter_titles():
    """{file: the page's first heading} for every page of _toc.yml but the root (its title is the book's)."""
    titles = {}
    for file in toc_files()[1:]:
        path = os.path.join(ROOT, file)
        if os.path.isfile(path + ".ipynb"):
            text = "".join(cell_source(cell) for cell in read_notebook(path + ".ipynb")["cells"][:1])
        else:
            text = open(path + ".md", encoding="utf-8").read()
        titles[file] = re.search(r"^# (.+)$", text, re.M).group(1).strip()
    return titles


@pytest.mark.browser
def test_title_page_and_contents(pages):
    title = pdf.book()[0]
    assert plain(title) in plain(pages[0]), pages[0]
    commit = re.search(r"Commit ([0-9a-f]{7,}), \d{4}-\d\d-\d\d", pages[0])
    assert commit, f"the title page names no commit and date: {pages[0]!r}"
    known = subprocess.run(["git", "cat-file", "-e", commit.group(1) + "^{commit}"], cwd=ROOT)
    assert known.returncode == 0, f"the title page's commit {commit.group(1)} is not a commit of this repository"
    contents = re.sub(r"\s+", " ", pages[1])
    assert contents.startswith("Contents"), contents[:200]
    for file, heading in chapter_titles().items():
        found = re.search(re.escape(heading) + r" (\d+)\b", contents)
        assert found, f"the contents do not list {file} ({heading!r}) with a page number"
        page = int(found.group(1))
        assert plain(heading) in plain(pages[page - 1]), f"{heading!r} is not on page {page}, as the contents say"


@pytest.mark.browser
def test_the_outline_names_every_chapter(pages, site):
    from pypdf import PdfReader
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(straight(item.title))
    walk(PdfReader(os.path.join(site, pdf.NAME)).outline)
    for file, heading in chapter_titles().items():  # whole: Chromium once dropped the space where a title wrapped
        assert any(heading in title for title in titles), f"the PDF's outline has no {heading!r} ({file})"


@pytest.mark.browser
def test_no_markup_and_every_glued_number(pages, site):
    text = "\n".join(pages)
    assert not MARKUP.findall(text), f"markup left in the PDF: {MARKUP.findall(text)[:5]}"
    shown = set()
    for folder, _, files in os.walk(os.path.join(site, "book")):
        for name in files:
            if name.endswith(".html"):
                html = open(os.path.join(folder, name), encoding="utf-8").read()
                shown |= set(re.findall(r'<span class="pasted-text">([^<]+)</span>', html))
    assert len(shown) > 50, f"only {len(shown)} glued numbers on the website: is this check still reading them?"
    whole = plain(text)
    missing = sorted(value for value in shown if plain(value) not in whole)
    assert not missing, f"glued numbers of the website missing from the PDF: {missing[:10]}"


@pytest.mark.browser
def test_the_code_is_whole_and_the_size_sane(pages):
    whole = plain("\n".join(pages))
    code = open(os.path.join(ROOT, "code", "microgpt.py"), encoding="utf-8").read()
    banner = ast.parse(code).body[0].end_lineno  # the docstring tangle writes, which the chapter does not show
    lines = [line for line in code.splitlines()[banner:] if line.strip() and not line.startswith("if __name__")]
    cut = [line.rstrip() for line in lines if plain(line) not in whole]
    assert not cut, f"{len(cut)} lines of code/microgpt.py are not whole in the PDF, e.g. {cut[:3]}"
    chapters = len(toc_files())
    assert 5 * chapters < len(pages) < 40 * chapters, f"{len(pages)} pages for {chapters} pages of _toc.yml"


def test_every_page_links_the_pdf(site):
    linked = []
    for folder, _, files in os.walk(os.path.join(site, "book")):
        for name in files:
            if name.endswith(".html"):
                page = os.path.join(folder, name)
                hrefs = re.findall(r'href="([^"]*' + re.escape(pdf.NAME) + ')"', open(page, encoding="utf-8").read())
                assert hrefs, f"{os.path.relpath(page, site)} does not link the book's PDF"
                for href in hrefs:
                    target = os.path.normpath(os.path.join(folder, href))
                    assert target == os.path.join(site, pdf.NAME), f"{page}: {href} leads elsewhere"
                linked.append(page)
    assert len(linked) >= len(toc_files())


@pytest.mark.browser
def test_print_css_wraps_what_the_screen_scrolls():
    long_line = "x = [" + ", ".join(f"'name_{i}'" for i in range(60)) + "]  # " + "y" * 150
    page = f"<html><head></head><body><article class='bd-article'><pre>{long_line}</pre></article></body></html>"
    with headless_chromium() as driver:
        driver.get("data:text/html;charset=utf-8," + page)
        driver.execute_script("document.querySelector('pre').style.overflow = 'auto'; "
                              "document.body.style.width = '180mm'")
        assert driver.execute_script(pdf.TOO_WIDE), "the width check does not see a line wider than the paper"
        driver.execute_script("const s = document.createElement('style'); s.textContent = arguments[0]; "
                              "document.head.append(s)", pdf.PRINT_CSS)
        assert driver.execute_script(pdf.TOO_WIDE) == [], "the print CSS does not wrap a long line of code"


def test_refusals_are_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "SINGLE", str(tmp_path))
    with pytest.raises(pdf.PdfError) as e:
        pdf.main()
    assert "singlehtml" in str(e.value)
    assert_one_sentence(str(e.value))
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(pdf.PdfError) as e:
        pdf.browser(str(tmp_path))
    assert "chromium" in str(e.value)
    assert_one_sentence(str(e.value))
