"""The Colab edition, colab/NN_name.ipynb (written by tools/colab.py from the chapters and a build's numbers).

- every transformation of tools/colab.py, on a small made-up chapter (no build needed);
- the committed Colab notebooks: no MyST left in their Markdown, setup and solutions folded, no glue calls;
- every number pasted into their prose equals the value the build glued (read here from the build's cache of
  executed notebooks, not from the .glue.json files the tool reads), and `colab.py --check` passes, and
  fails on a hand edit or without a build;
- the README's Colab links and the website's Colab button open committed Colab notebooks, and every link to
  the website points at a page and an anchor that the built site has.
- the Chinese edition, colab/zh/NN_name.ipynb: up to date, code cells identical to the English edition's, no
  untranslated prose (a CJK ratio per paragraph), no MyST left, links to the zh website that resolve.
Running every Colab notebook alone is tests/test_colab_run.py.
"""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig

import nbformat
import pytest

from chapter import GLUE_SHIM, is_setup, strip_directives, without_glue_shim
from conftest import BUILD, ROOT, Chromium, executed_notebook

import colab
import colab_launch
import colab_links
import colab_zh
import glued

CONFIG = colab_links.load_config()
CHAPTERS = colab_links.chapter_notebooks()
IDS = [os.path.splitext(os.path.basename(p))[0] for p in CHAPTERS]
SITE = colab_links.pages_url(CONFIG)


ZH = colab_zh.LANGUAGE


def committed(chapter, language=None):
    return nbformat.read(os.path.join(ROOT, colab_links.colab_path(chapter, language)), as_version=4)


def need_build():
    """Skip without a built book; in CI (MICROGPT_SITE set, the book was just built) a missing build fails."""
    if not os.path.isdir(os.path.join(BUILD, "jupyter_execute", "book")):
        if os.environ.get("MICROGPT_SITE"):
            pytest.fail(f"MICROGPT_SITE is set, but there is no built book in {BUILD}")
        pytest.skip(f"no built book in {BUILD}: run `make book` first (CI does)")


# --- what counts as MyST left over -------------------------------------------------------------------------

MYST = [
    (re.compile(r"\{[\w:-]+\}`"), "a role"),
    (re.compile(r"^[ \t>]*(`{3,}|:{3,})\s*\{[\w:-]+\}", re.M), "a directive"),
    (re.compile(r"^[ \t>]*\([\w.:-]+\)=[ \t]*$", re.M), "a label"),
    (re.compile(r"^[ \t>]*:(label|class|name|alt|caption|width|align|nonumber):", re.M), "a directive option"),
    (re.compile(r"\{\{[^}]*\}\}"), "a substitution"),
    (re.compile(r"\{(glue|term|ref|numref|doc|eq|math)[:}]"), "a role name"),
    (re.compile(r"\b\w+\.ipynb::\w+"), "a glue key"),
]


def myst_leftovers(text):
    """(what, snippet) for every piece of MyST-only syntax in Markdown text, outside fenced code."""
    text = re.sub(r"^(`{3,}|~{3,})(?!\{).*?^\1[ \t]*$", "", text, flags=re.M | re.S)  # plain code blocks
    found = []
    for pattern, what in MYST:
        for m in pattern.finditer(text):
            found.append((what, text[max(0, m.start() - 30):m.end() + 30]))
    return found


def test_the_scanner_finds_myst():
    """The scan below can fail: each kind of MyST syntax is caught, plain Markdown is not."""
    for snippet in ["a {term}`token` here", "```{exercise} Title\nx\n```", "(ch-gpt)=\n# T", ":label: ex-1",
                    "{{ read_total }}", "{glue:text}`key`", "see 02_bigram.ipynb::ladder_bigram_ppl",
                    "> ```{note}\n> x\n> ```", "{ref}`ch-gpt`"]:
        assert myst_leftovers(snippet), snippet
    for clean in ["a [token](https://x.github.io/y/book/glossary.html#term-token) here", "$a_{i}$ and $$\\{x\\}$$",
                  "```python\nd = {x: 1}\n```", "> **Exercise (Title)**\n>\n> text", "<details><summary>S</summary>"]:
        assert not myst_leftovers(clean), clean


# --- the transformations, on a made-up chapter ----------------------------------------------------------------

GLOSSARY = """\
(glossary)=
# Glossary

```{glossary}
KV cache
  The keys and values of earlier positions.

token
  One unit of text.
```
"""

CHAPTER_MD = [
    "(ch-demo)=\n# Demo: a chapter\n\nA {term}`token`, many {term}`tokens <token>`, the {term}`KV cache`. "
    "See {ref}`ch-demo`, {ref}`the figure <fig-demo>`, {numref}`fig-demo` and {ref}`ex-demo`.",
    "(sec-numbers)=\n## Numbers\n\nThere are {glue:text}`n_names` names, {glue:text}`01_other.ipynb::loss:s` nats, "
    "{glue}`shown` and {glue:text}`ratio:.1f`. Math: $e^{x}$ and\n\n"
    "$$\\begin{aligned}a &= b\\\\ c &= d\\end{aligned}$$\n\n"
    "```{note}\nA note with a {term}`token`.\n```\n\n```{warning} Careful\nA warning.\n```\n\n"
    "```{admonition} A title\n:class: tip\nWith a title.\n```\n\n"
    "```python\n# plain code with {term}`literal` stays\n```",
    "## Exercises\n\n```{exercise} Predict, then run\n:label: ex-demo\n\nWhat is $1 + 1$?\n```\n\n"
    "```{solution-start} ex-demo\n:class: dropdown\n```\nFirst, the code:",
    "It is 2, as {glue:text}`n_names` minus the rest shows.\n\n```{solution-end}\n```\n\n"
    "```{exercise} Think\n:label: ex-think\n```\n\n```{solution} ex-think\n:class: dropdown\n\nThink harder.\n```\n\n"
    "## Recap\n\n- Done.",
]


def make_book(root):
    """A one-chapter book in root: _config.yml, _toc.yml, a glossary and book/01_demo.ipynb."""
    (root / "book").mkdir()
    shutil.copy(os.path.join(ROOT, "_config.yml"), root / "_config.yml")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/01_demo\nchapters:\n  - file: book/glossary\n")
    (root / "book" / "glossary.md").write_text(GLOSSARY)
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        md(CHAPTER_MD[0]),
        code(f"#| setup\n{GLUE_SHIM}\n\n\nx = 1", metadata={"tags": ["hide-input"]}),
        code("#| block demo\ny = x + 1\nif y:\n    pass\nelse:\n    z = 0\ntext = '''line one\nline two'''"),
        code('glue("n_names", y)\nfor k in range(2):\n    glue(f"k{k}", k)', metadata={"tags": ["remove-cell"]}),
        code("import matplotlib\nprint(y)",
             metadata={"mystnb": {"figure": {"name": "fig-demo", "caption": "A {term}`token` plot."}}}),
        md(CHAPTER_MD[1]),
        code("raise ValueError('no good')\n'''a string\nover lines'''", metadata={"tags": ["raises-exception"]}),
        md(CHAPTER_MD[2]),
        code("answer = 1 + 1\nprint('solution ran', answer)"),
        md(CHAPTER_MD[3]),
    ]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                         "display_name": "Python 3"}})
    nbformat.write(nb, str(root / "book" / "01_demo.ipynb"))
    return "book/01_demo.ipynb"


VALUES = {("book/01_demo.ipynb", "n_names"): "'32,033'", ("book/01_other.ipynb", "loss"): "'2.463'",
          ("book/01_demo.ipynb", "shown"): "'a, b'", ("book/01_demo.ipynb", "ratio"): "1.25"}


def fake_glue(chapter, key, fmt_spec, role):
    return colab.format_glued(VALUES[chapter, key], fmt_spec if role == "glue:text" else "")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("book")
    chapter = make_book(root)
    return colab.render_chapter(chapter, colab.Site(str(root)), fake_glue, root=str(root))


def sources(nb, kind):
    return [c.source for c in nb.cells if c.cell_type == kind]


def test_demo_prose_reads_as_prose(demo):
    text = "\n\n".join(sources(demo, "markdown"))
    assert not myst_leftovers(text), myst_leftovers(text)
    glossary = SITE + "book/glossary.html"
    assert (f"A [token]({glossary}#term-token), many [tokens]({glossary}#term-token), "
            f"the [KV cache]({glossary}#term-KV-cache).") in text
    page = SITE + "book/01_demo.html"
    assert (f"See [Demo: a chapter]({page}), [the figure]({page}#fig-demo), [A token plot.]({page}#fig-demo) and "
            f"[Predict, then run]({page}#ex-demo).") in text  # a caption's roles are plain in a link's text
    assert "(ch-demo)=" not in text and "(sec-numbers)=" not in text and "# Demo: a chapter" in text
    assert "$e^{x}$" in text and "$$\\begin{aligned}a &= b\\\\ c &= d\\end{aligned}$$" in text  # math untouched
    assert f"> **Note**\n>\n> A note with a [token]({glossary}#term-token)." in text
    assert "> **A title**\n>\n> With a title." in text
    assert "> **Warning**\n>\n> Careful\n> A warning." in text  # (a warning takes no title: MyST's reading)
    assert "```python\n# plain code with {term}`literal` stays\n```" in text  # code blocks are left alone


def test_demo_numbers_are_pasted(demo):
    text = "\n\n".join(sources(demo, "markdown"))
    assert "There are 32,033 names, 2.463 nats, a, b and 1.2." in text  # quotes gone, format spec applied
    assert "glue" not in "".join(sources(demo, "code")).replace("myst_nb", "")  # no glue calls, no shim


def test_demo_exercises_fold_their_solutions(demo):
    md = sources(demo, "markdown")
    question = next(t for t in md if "**Exercise (Predict, then run)**" in t)
    assert "> What is $1 + 1$?" in question and "ex-demo" not in question
    assert any(t.startswith("<details><summary>Solution</summary>\n\nFirst, the code:\n\n</details>") for t in md)
    assert any(t.startswith("<details><summary>Solution (continued)</summary>\n\nIt is 2, as 32,033") for t in md)
    assert any("<details><summary>Solution</summary>\n\nThink harder.\n\n</details>" in t for t in md)
    [solution] = [c for c in demo.cells if c.cell_type == "code" and colab.SOLUTION_TITLE in c.source]
    assert solution.source.startswith(f"#@title {colab.SOLUTION_TITLE}\n") and solution.metadata["cellView"] == "form"
    ran = run_code(solution.source)
    assert "solution ran" not in ran  # Run all leaves it alone...
    assert "solution ran 2" in run_code(solution.source.replace("show_solution = False", "show_solution = True"))


def test_demo_setup_is_one_folded_form_cell(demo):
    code = [c for c in demo.cells if c.cell_type == "code"]
    setup = code[0]
    assert setup.source == f"#@title {colab.SETUP_TITLE}\nx = 1" and setup.metadata["cellView"] == "form"
    assert demo.cells.index(setup) == 2  # where the chapter has it: after the note and the opening prose
    assert not any(line.startswith("#|") for c in code for line in c.source.split("\n"))
    body = code[1].source
    assert body == "y = x + 1\nif y:\n    pass\nelse:\n    z = 0\ntext = '''line one\nline two'''", body
    assert "remove-cell" not in json.dumps(demo) and len([c for c in code if "n_names" in c.source]) == 0
    assert demo.cells[0].cell_type == "markdown" and "edit the chapter, not this file" in demo.cells[0].source
    assert SITE + "book/01_demo.html" in demo.cells[0].source


def test_demo_figure_caption_follows_its_cell(demo):
    i = next(i for i, c in enumerate(demo.cells) if c.source.startswith("import matplotlib"))
    assert demo.cells[i + 1].source.startswith("> **Figure**\n>\n> A [token](")


def test_demo_raising_cell_is_caught_and_printed(demo):
    [cell] = [c for c in demo.cells if "no good" in c.source]
    tree = ast.parse(cell.source)
    assert isinstance(tree.body[0], ast.Try) and len(tree.body) == 1
    assert "'''a string\nover lines'''" in cell.source  # the inside of a multi-line string is not indented
    assert run_code(cell.source) == "ValueError: no good\n"


def run_code(source):
    result = subprocess.run([sys.executable, "-c", "y = 2\n" + source], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_unknown_myst_stops_the_tool(tmp_path):
    """A role or directive the tool does not know is an error, not raw text in Colab."""
    root = tmp_path
    chapter = make_book(root)
    nb = nbformat.read(str(root / chapter), as_version=4)
    for extra, what in [("{kbd}`Ctrl`", "role {kbd}"), ("```{mermaid}\nA-->B\n```", "directive {mermaid}")]:
        nb.cells[0].source = CHAPTER_MD[0] + "\n\n" + extra
        nbformat.write(nb, str(root / chapter))
        with pytest.raises(colab.ColabError, match=re.escape(what)):
            colab.render_chapter(chapter, colab.Site(str(root)), fake_glue, root=str(root))


def test_site_urls_follow_the_repository_address():
    _, org, repo = CONFIG["repository"]["url"].strip("/").rsplit("/", 2)
    assert SITE == f"https://{org.lower()}.github.io/{repo}/"
    assert colab.term_id("KV cache") == "term-KV-cache" and colab.term_id("block_size") == "term-block_size"


# --- the committed Colab notebooks ----------------------------------------------------------------------------

def test_every_chapter_has_a_colab_notebook_and_nothing_else_is_there():
    expected = {os.path.basename(p) for p in CHAPTERS}
    assert set(os.listdir(os.path.join(ROOT, colab.COLAB_DIR))) == expected | {colab_zh.COLAB_SUBDIR}
    assert set(os.listdir(os.path.join(ROOT, colab.COLAB_DIR, colab_zh.COLAB_SUBDIR))) == expected


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_no_myst_is_left_in_the_markdown(chapter):
    problems = [(i, what, snippet) for i, cell in enumerate(committed(chapter).cells) if cell.cell_type == "markdown"
                for what, snippet in myst_leftovers(cell.source)]
    assert not problems, f"{colab_links.colab_path(chapter)}: MyST left in Colab's Markdown: {problems[:5]}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_the_shape_of_the_colab_notebook(chapter):
    nb = committed(chapter)
    source = nbformat.read(os.path.join(ROOT, chapter), as_version=4)
    note = nb.cells[0]
    assert note.cell_type == "markdown" and f"[`{chapter}`]" in note.source and "edit the chapter" in note.source
    assert colab.page_url(CONFIG, os.path.splitext(chapter)[0]) in note.source
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        assert not cell.outputs and not cell.metadata.get("tags"), "no outputs, no tags (Colab ignores tags)"
        assert not any(line.startswith("#|") for line in cell.source.split("\n")), cell.source[:200]
        calls = [n for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Name) and n.func.id == "glue"]
        assert not calls, f"a glue call is left in {cell.source[:200]}"
        if cell.source.startswith("#@title"):
            assert cell.metadata.get("cellView") == "form", cell.source[:100]
    first = next(c for c in source.cells if c.cell_type == "code")  # a setup of only the glue stand-in is dropped
    has_setup = is_setup(first) and without_glue_shim(strip_directives(first.source)).strip()
    if has_setup:
        assert code[0].source.startswith(f"#@title {colab.SETUP_TITLE}\n") and code[0].metadata["cellView"] == "form"
        assert sum(c.source.startswith(f"#@title {colab.SETUP_TITLE}") for c in code) == 1
    markdown = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    exercises = len(re.findall(r"^```+\{exercise(-start)?\}", markdown, re.M))
    assert text.count("> **Exercise") == exercises
    solutions = len(re.findall(r"^```+\{solution(-start)?\}", markdown, re.M))
    assert text.count("<details><summary>Solution</summary>") + sum(
        c.source.startswith(f"#@title {colab.SOLUTION_TITLE}") for c in code) >= solutions
    for cell in code:
        if colab.SOLUTION_TITLE in cell.source:
            assert f"\n{colab.SOLUTION_SWITCH}\nif show_solution:\n" in cell.source
            assert cell.metadata["cellView"] == "form"
    raising = sum("raises-exception" in c.metadata.get("tags", []) for c in source.cells)
    assert sum(colab.EXCEPT_LINE in c.source for c in code) == raising
    keys = sum(c.cell_type == "code" and c.source.startswith("# answer key") for c in source.cells)
    assert sum(c.source.startswith("#@title The answer key (try the exercise first)") for c in code) == keys


# --- the numbers, against the build ---------------------------------------------------------------------------

def executed_glue(chapter):
    """{key: text/plain} of what the chapter glued, read from the build's run of it (the outputs carry the
    scrapbook metadata that myst_nb.glue writes)."""
    nb = executed_notebook(chapter)
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook")
            if scrap:
                values[scrap["name"]] = output["data"][scrap.get("mime_prefix", "") + "text/plain"]
    return values


@pytest.fixture(scope="module")
def build_glue():
    need_build()
    if not os.path.isdir(os.path.join(BUILD, ".jupyter_cache")):
        pytest.skip(f"no jupyter-cache in {BUILD} (execute_notebooks is not `cache`)")
    return {chapter: executed_glue(chapter) for chapter in CHAPTERS}


@pytest.mark.parametrize("language", [None, ZH], ids=["en", "zh"])
@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_every_number_in_the_prose_is_the_builds(chapter, language, build_glue):
    """(In Chinese too: the translation keeps every glue role, and shows the build's number.)"""
    from myst_nb.core.variables import format_plain_text  # what the website shows, formatted by myst-nb itself
    slots = []

    def slot(doc, key, fmt_spec, role):
        slots.append((doc, key, fmt_spec if role == "glue:text" else ""))
        return f"@@slot{len(slots) - 1}@@"
    template = colab.render_chapter(chapter, glue=slot, language=language)
    measured = {doc: glued.declared_measured(os.path.join(ROOT, doc)) for doc, _, _ in slots}
    nb = committed(chapter, language)
    assert len(template.cells) == len(nb.cells), f"{colab_links.colab_path(chapter, language)} is stale: run `make colab`"
    checked = 0
    for mine, theirs in zip(template.cells, nb.cells):
        parts = re.split(r"@@slot(\d+)@@", mine.source)
        pattern = "".join(re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(parts))
        match = re.fullmatch(pattern, theirs.source, re.S)
        assert match, f"{colab_links.colab_path(chapter, language)} is stale near {mine.source[:80]!r}: run `make colab`"
        for index, shown in zip(parts[1::2], match.groups()):
            doc, key, fmt_spec = slots[int(index)]
            if measured[doc](key):
                assert re.fullmatch(r"[\d.,e+-]+|—", shown), (key, shown)  # declared measured: any number will do
                continue
            assert key in build_glue[doc], f"{doc} glued no {key!r}"
            expected = format_plain_text(build_glue[doc][key], fmt_spec)
            assert shown == expected, \
                f"{colab_links.colab_path(chapter, language)} shows {key} = {shown!r}, the build glued {expected!r}"
            checked += 1
    glued_in_prose = len(re.findall(r"\{glue(:text|:md)?\}`", "".join(
        c.source for c in nbformat.read(os.path.join(ROOT, chapter), as_version=4).cells if c.cell_type == "markdown")))
    assert len(slots) == glued_in_prose  # every glue role of the chapter became one checked slot
    assert checked + sum(measured[doc](key) for doc, key, _ in slots) == glued_in_prose


# --- tools/colab.py --check -----------------------------------------------------------------------------------

def run_check(root, build):
    result = subprocess.run([sys.executable, os.path.join(root, "tools", "colab.py"), "--check"],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "MICROGPT_BUILD": str(build)})
    return result.returncode, result.stdout.strip()


def test_committed_colab_notebooks_are_up_to_date():
    need_build()
    problem = colab.check(build=BUILD)
    assert problem is None, problem


def copy_book(tmp_path):
    for name in ("book", "colab", "tools", "locale"):
        shutil.copytree(os.path.join(ROOT, name), tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(os.path.join(ROOT, name), tmp_path / name)
    return tmp_path


def test_check_catches_a_hand_edit(tmp_path):
    need_build()
    root = copy_book(tmp_path)
    assert run_check(root, BUILD) == (0, "")
    path = root / colab.COLAB_DIR / "06_gpt.ipynb"
    original = path.read_text(encoding="utf-8")
    for old, new in [("## Many heads", "## Many many heads"), ("The total is 4,192.", "The total is 4,193."),
                     ("show_solution = False", "show_solution = True")]:
        assert old in original, old
        path.write_text(original.replace(old, new, 1), encoding="utf-8")
        code, out = run_check(root, BUILD)
        assert code == 1 and "colab/06_gpt.ipynb" in out and "\n" not in out, (old, out)
    path.write_text(original, encoding="utf-8")
    (root / colab.COLAB_DIR / "99_stray.ipynb").write_text(original, encoding="utf-8")
    assert run_check(root, BUILD) == (1, "colab/99_stray.ipynb belongs to no chapter of _toc.yml: delete it "
                                         "(`make colab` does).")


def test_check_knows_a_build_older_than_the_chapter(tmp_path):
    """Numbers from a build of older code may be wrong: `make colab` refuses them, and --check compares that
    chapter with its numbers as placeholders (the edited code is in the chapter, not yet in colab/)."""
    need_build()
    root = copy_book(tmp_path)
    chapter = root / "book" / "06_gpt.ipynb"
    nb = nbformat.read(str(chapter), as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "num_steps, learning_rate = 600, 0.3" in c.source)
    cell.source = cell.source.replace("600, 0.3", "700, 0.3")
    nbformat.write(nb, str(chapter))
    with pytest.raises(colab.ColabError, match="ran an older version of book/06_gpt.ipynb"):
        colab.generate(str(root), BUILD)
    assert run_check(root, BUILD) == (1, "colab/06_gpt.ipynb is out of date (or was edited by hand): edit "
                                         "book/06_gpt.ipynb instead, then run `make colab` (after `make book`).")


def test_check_without_a_build_compares_everything_but_the_numbers(tmp_path):
    """A fresh clone has no build: --check still sees a hand edit, a stale chapter or a stray file."""
    root = copy_book(tmp_path)
    assert run_check(root, tmp_path / "no-build") == (0, "")
    path = root / colab.COLAB_DIR / "06_gpt.ipynb"
    original = path.read_text(encoding="utf-8")
    for old, new in [("## Many heads", "## Many many heads"), ("show_solution = False", "show_solution = True")]:
        assert old in original, old
        path.write_text(original.replace(old, new, 1), encoding="utf-8")
        code, out = run_check(root, tmp_path / "no-build")
        assert code == 1 and out.startswith("colab/06_gpt.ipynb is out of date") and "\n" not in out, (old, out)
    path.write_text(original, encoding="utf-8")
    chapter = root / "book" / "06_gpt.ipynb"
    nb = nbformat.read(str(chapter), as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and "## Many heads" in c.source)
    cell.source = cell.source.replace("## Many heads", "## Several heads")
    nbformat.write(nb, str(chapter))
    assert run_check(root, tmp_path / "no-build")[0] == 1


# --- links: README, the website's Colab button, and links from Colab to the website -------------------------

def in_repository(url):
    """The path in the repository a Colab URL opens (checked to be on the configured repository and branch)."""
    _, org, repo = CONFIG["repository"]["url"].strip("/").rsplit("/", 2)
    colab_root, branch = CONFIG["launch_buttons"]["colab_url"].strip("/"), CONFIG["repository"]["branch"]
    prefix = f"{colab_root}/github/{org}/{repo}/blob/{branch}/"
    assert url.startswith(prefix), (url, prefix)
    return url[len(prefix):]


def assert_committed_rendition(url):
    path = in_repository(url)
    assert path.startswith(colab.COLAB_DIR + "/") and path.endswith(".ipynb"), url
    assert os.path.isfile(os.path.join(ROOT, path)), f"{url} opens {path}, which does not exist"
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", path], cwd=ROOT, capture_output=True)
    assert tracked.returncode == 0, f"{path} is not committed, so {url} would not find it on GitHub"


def test_readme_colab_links_open_committed_colab_notebooks():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    block = colab_links.readme_block(readme)
    assert block == colab_links.markdown_list(), "run `.venv/bin/python tools/colab_links.py --write`"
    urls = re.findall(r"\((https://colab\.research\.google\.com/[^)]+)\)", block)
    assert len(urls) == len(CHAPTERS)
    for url, chapter in zip(urls, CHAPTERS):
        assert in_repository(url) == colab_links.colab_path(chapter)
        assert_committed_rendition(url)


def built_site():
    site = os.path.join(ROOT, os.environ.get("MICROGPT_SITE") or os.path.join("_build", "html"))
    if not os.path.isfile(os.path.join(site, "index.html")):
        if os.environ.get("MICROGPT_SITE"):
            pytest.fail(f"MICROGPT_SITE is set, but {site} holds no built site")
        pytest.skip("no built site in _build/html (run `make book`)")
    return site


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_the_website_colab_button_opens_the_colab_notebook(chapter):
    html = open(os.path.join(built_site(), os.path.splitext(chapter)[0] + ".html"), encoding="utf-8").read()
    colab_root = CONFIG["launch_buttons"]["colab_url"].strip("/")
    urls = {colab_root + "/" + part.split('"')[0] for part in html.split(f'href="{colab_root}/')[1:]}
    assert urls == {colab_links.colab_url(CONFIG, chapter)}, urls
    assert_committed_rendition(urls.pop())


def test_links_to_the_website_resolve_on_the_built_site():
    """Every link from a Colab notebook to the website names a page the site has, and an id on that page."""
    site = built_site()
    ids = {}
    checked = 0
    for chapter in CHAPTERS:
        for cell in committed(chapter).cells:
            if cell.cell_type != "markdown":
                continue
            for url in website_links(cell.source):
                assert_on_site(site, SITE, url, ids, colab_links.colab_path(chapter))
                checked += 1
    assert checked > 100, checked


def website_links(markdown):
    """The links of a Colab notebook's Markdown to the website: [text](url) and <url>."""
    pattern = r"\]\((" + re.escape(SITE) + r"[^)\s]*)\)|<(" + re.escape(SITE) + r"[^>\s]*)>"
    return [a or b for a, b in re.findall(pattern, markdown)]


def assert_on_site(site, base, url, ids, where):
    """url, under base (the website), names a page of the built site in the folder site and, after #, an id
    on that page (ids: {page: its ids}, filled as pages are read)."""
    page, _, anchor = url[len(base):].partition("#")
    path = os.path.join(site, page)
    assert os.path.isfile(path), f"{where} links to {url}: no such page"
    if anchor:
        if page not in ids:
            ids[page] = set(re.findall(r'\bid="([^"]+)"', open(path, encoding="utf-8").read()))
        assert anchor in ids[page], f"{where} links to {url}: no such id"


# --- how the Colab notebooks look: two of them rendered to HTML, in headless Chromium -------------------------

ARTIFACTS = os.path.join(ROOT, "test-artifacts")
MATHJAX = os.path.join(sysconfig.get_paths()["purelib"], "sphinx-mathjax-offline", "static", "mathjax", "tex-chtml.js")
MATHJAX_CONFIG = ("<script>window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], "
                  "displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']], processEscapes: true}};</script>")
# (chapter, a sentence of its prose that shows glued numbers)
SHOWN = [("book/06_gpt.ipynb", "The total is", None),
         ("book/07_optimization.ipynb", "This last row is the finished microgpt", None),
         ("book/06_gpt.ipynb", "总数是", "zh_CN"),  # the Chinese edition: bold and links beside Chinese punctuation
         ("book/13_evidence.ipynb", "在microgpt的预算下", "zh_CN")]


def as_colab_shows_it(nb):
    """Colab shows a form cell (cellView: form) as its title and its parameters, its code folded away."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        if cell.metadata.get("cellView") == "form":
            lines = [line for line in cell.source.split("\n") if line.startswith("#@title") or "#@param" in line]
            cell.source = "\n".join(lines + ["# ... (code folded: Colab shows this cell as a form)"])
    return nb


def colab_html(chapter, folder, language=None):
    """The Colab notebook rendered by nbconvert's classic template, with the site's offline MathJax."""
    from nbconvert import HTMLExporter
    exporter = HTMLExporter(template_name="classic")
    exporter.mathjax_url = "file://" + os.path.abspath(MATHJAX)
    html, _ = exporter.from_notebook_node(as_colab_shows_it(committed(chapter, language)))
    html = html.replace("<!-- Load mathjax -->", MATHJAX_CONFIG + "\n<!-- Load mathjax -->", 1)
    path = os.path.join(folder, os.path.splitext(os.path.basename(chapter))[0] + ".html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    return path


@pytest.fixture(scope="module")
def chromium():
    browser = Chromium("--allow-file-access-from-files", window=(1100, 1300))
    yield browser
    browser.close()


FACTS = """
const cells = [...document.querySelectorAll('.cell')];
const inputs = cells.filter(c => c.classList.contains('code_cell')).map(c => c.querySelector('.input_area').innerText);
const prose = [...document.querySelectorAll('.text_cell_render')].map(e => e.innerText).join('\\n');
const site = arguments[0];
return {
  first_code: inputs[0] || '',
  prose: prose,
  details: [...document.querySelectorAll('details')].map(d => [d.open, d.querySelector('summary').innerText]),
  links: [...document.querySelectorAll('.text_cell_render a[href^="' + site + '"]')].map(a => a.innerText),
  math: document.querySelectorAll('mjx-container').length,
};
"""


@pytest.mark.browser
@pytest.mark.parametrize("chapter, sentence, language", SHOWN,
                         ids=[("zh-" if language else "") + os.path.basename(c) for c, _, language in SHOWN])
def test_screenshots_of_colab_notebooks(chapter, sentence, language, chromium, tmp_path):
    """Folded setup, readable links, numbers in the prose and folded solutions, as screenshots in test-artifacts/."""
    assert os.path.isfile(MATHJAX), MATHJAX
    page = colab_html(chapter, tmp_path, language)
    word = colab_zh.WORDS if language else {}

    def read(driver):
        driver.execute_async_script("const done = arguments[0]; MathJax.startup.promise.then(() => done(1));")
        return driver.execute_script(FACTS, SITE)
    facts = chromium.visit("file://" + page, read)
    stem = ("zh-" if language else "") + os.path.splitext(os.path.basename(chapter))[0]
    os.makedirs(ARTIFACTS, exist_ok=True)

    assert facts["first_code"].startswith(f"#@title {colab.SETUP_TITLE}") and facts["first_code"].count("\n") <= 2
    assert facts["details"]
    solution = word.get("Solution", "Solution")
    assert all(not is_open and summary.startswith(solution) for is_open, summary in facts["details"])
    assert len(facts["links"]) > 5 and all(text.strip() and not re.search(r"[{}`]", text) for text in facts["links"])
    build = committed(chapter, language)
    has_math = any("$" in c.source for c in build.cells if c.cell_type == "markdown")
    assert not myst_leftovers(facts["prose"]) and (facts["math"] > 0) == has_math
    assert "**" not in facts["prose"]  # every bold rendered (next to Chinese punctuation too)
    paragraph = next(c.source for c in build.cells if c.cell_type == "markdown" and sentence in c.source)
    numbers = re.findall(r"\d[\d,.]*\d", re.sub(r"\]\([^)]*\)", "]", paragraph))  # not in link targets
    assert numbers and all(n in facts["prose"] for n in numbers)

    chromium.driver.save_screenshot(os.path.join(ARTIFACTS, f"colab-{stem}-top.png"))
    for name, xpath in [("numbers", f"//p[contains(., '{sentence}')]"),
                        ("exercises", f"//h2[starts-with(., '{'练习' if language else 'Exercises'}')]")]:
        element = chromium.driver.find_element("xpath", xpath)
        chromium.driver.execute_script("arguments[0].scrollIntoView(); window.scrollBy(0, -80);", element)
        chromium.driver.save_screenshot(os.path.join(ARTIFACTS, f"colab-{stem}-{name}.png"))


def test_fences_are_found_as_markdown_it_finds_them():
    """parse_blocks takes the top-level fences from the pinned parser: nested fences stay in their directive."""
    text = "a\n````{exercise} T\n:label: x\n```\ncode\n```\n````\n:::{note}\nn\n:::\n```python\ny\n```\nb"
    assert colab.parse_blocks(text) == [
        ("text", "a"), ("directive", "exercise", "T", {"label": "x"}, "```\ncode\n```"),
        ("directive", "note", "", {}, "n"), ("code", "```python\ny\n```"), ("text", "b")]
    with pytest.raises(colab.ColabError, match="is never closed"):
        colab.parse_blocks("```{note}\nabc")


# --- the Chinese edition, colab/zh/ ------------------------------------------------------------------------------

ZH_DEMO = {  # the made-up chapter's units (as Sphinx writes their msgids) and their translations
    "Demo: a chapter": "演示：一章",
    "A {term}`token`, many {term}`tokens <token>`, the {term}`KV cache`. See {ref}`ch-demo`, {ref}`the figure "
    "<fig-demo>`, {numref}`fig-demo` and {ref}`ex-demo`.":
        "一个{term}`词元 <token>`（token），许多{term}`词元 <token>`，{term}`键值缓存 <KV cache>`。参见{ref}`ch-demo`、"
        "{ref}`那张图 <fig-demo>`、{numref}`fig-demo`和{ref}`ex-demo`。",
    "Numbers": "数字",
    "There are {glue:text}`n_names` names, {glue:text}`01_other.ipynb::loss:s` nats, {glue}`shown` and "
    "{glue:text}`ratio:.1f`. Math: $e^{x}$ and":
        "共有{glue:text}`n_names`个名字，{glue:text}`01_other.ipynb::loss:s`奈特，{glue}`shown`以及"
        "{glue:text}`ratio:.1f`。数学：$e^{x}$以及",
    "A note with a {term}`token`.": "一条提到{term}`词元 <token>`的注。",
    "Careful A warning.": "小心：一条警告。",
    "A title": "一个标题",
    "With a title.": "带标题。",
    "Exercises": "练习",
    "What is $1 + 1$?": "$1 + 1$等于几？",
    "First, the code:": "先看代码：",
    "It is 2, as {glue:text}`n_names` minus the rest shows.": "是2，正如{glue:text}`n_names`减去其余部分所示。",
    "Think harder.": "再想想。",
    "Recap": "小结",
    "Done.": "完成。",
    "A {term}`token` plot.": "一张{term}`词元 <token>`图。",
}


def write_catalog(root, docname, messages):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po
    catalog = Catalog(locale="zh_CN")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    path = colab_zh.catalog_path(docname, str(root))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        write_po(f, catalog)


@pytest.fixture(scope="module")
def demo_zh(tmp_path_factory):
    root = tmp_path_factory.mktemp("book")
    chapter = make_book(root)
    write_catalog(root, "book/01_demo", ZH_DEMO)
    english = colab.render_chapter(chapter, colab.Site(str(root)), fake_glue, root=str(root))
    chinese = colab.render_chapter(chapter, colab.Site(str(root), ZH), fake_glue, root=str(root), language=ZH)
    return english, chinese


def test_demo_zh_translates_before_the_myst_becomes_markdown(demo_zh):
    english, chinese = demo_zh
    text = "\n\n".join(sources(chinese, "markdown"))
    assert not myst_leftovers(text), myst_leftovers(text)
    glossary, page = SITE + "zh/book/glossary.html", SITE + "zh/book/01_demo.html"
    assert (f"一个[词元]({glossary}#term-token)（token），许多[词元]({glossary}#term-token)，"
            f"[键值缓存]({glossary}#term-KV-cache)。") in text  # a translated term keeps the English term's id
    assert (f"参见[演示：一章]({page})、[那张图]({page}#fig-demo)、[一张词元图。]({page}#fig-demo)和"
            f"[Predict, then run]({page}#ex-demo)。") in text  # titles from the catalog; an exercise's: not there
    assert "# 演示：一章" in text and "## 数字" in text and "(ch-demo)=" not in text
    assert "共有32,033个名字，2.463奈特，a, b以及1.2。数学：$e^{x}$以及" in text  # numbers pasted into the translation
    assert "$$\\begin{aligned}a &= b\\\\ c &= d\\end{aligned}$$" in text  # display math: no message, kept
    assert f"> **注意**\n>\n> 一条提到[词元]({glossary}#term-token)的注。" in text
    assert "> **一个标题**\n>\n> 带标题。" in text and "> **警告**\n>\n> 小心：一条警告。" in text
    assert "> **练习 (Predict, then run)**\n>\n> $1 + 1$等于几？" in text
    assert "<details><summary>解答</summary>\n\n先看代码：" in text and "<summary>解答（续）</summary>" in text
    assert "> **图**\n>\n> 一张[词元](" in text and "- 完成。" in text
    assert SITE + "zh/book/01_demo.html" in chinese.cells[0].source and "edit" not in chinese.cells[0].source
    assert [c for c in english.cells if c.cell_type == "code"] == [c for c in chinese.cells if c.cell_type == "code"]
    assert [c.cell_type for c in english.cells] == [c.cell_type for c in chinese.cells]


def test_translator_replaces_every_unit_and_keeps_the_rest(tmp_path):
    """Headings, paragraphs, list items (with their continuation lines), quotes, table cells: each becomes its
    translation on one line, its prefix kept; labels and display math have no message and stay."""
    messages = {"Title": "标题", "One paragraph over two lines.": "一段，两行。", "An item that wraps.": "一个换行的条目。",
                "Second": "第二", "Quoted.": "引文。", "Model": "模型", "Loss": "损失", "bigram": "二元模型",
                "2.46": "2.46"}
    write_catalog(tmp_path, "book/01_x", messages)
    translate = colab_zh.Translator("book/01_x.ipynb", str(tmp_path))
    source = ("(sec-x)=\n## Title\n\nOne paragraph\nover two lines.\n\n1. An item\n   that wraps.\n2. Second\n\n"
              "> Quoted.\n\n$$x = 1$$\n\n| Model | Loss |\n|---|---:|\n| bigram | 2.46 |")
    assert translate(source) == ("(sec-x)=\n## 标题\n\n一段，两行。\n\n1. 一个换行的条目。\n2. 第二\n\n> 引文。\n\n$$x = 1$$\n\n"
                                 "| 模型 | 损失 |\n|---|---:|\n| 二元模型 | 2.46 |")


def test_an_untranslated_unit_stops_the_tool_in_one_sentence(tmp_path):
    root = tmp_path
    chapter = make_book(root)
    write_catalog(root, "book/01_demo", {k: v for k, v in ZH_DEMO.items() if k != "Think harder."})
    with pytest.raises(colab_zh.TranslationError) as error:
        colab.render_chapter(chapter, colab.Site(str(root), ZH), fake_glue, root=str(root), language=ZH)
    assert str(error.value) == ("book/01_demo.ipynb has no Chinese translation for the text 'Think harder.': "
                                "translate it in locale/zh_CN/LC_MESSAGES/book/01_demo.po.")
    write_catalog(root, "book/01_demo", {**ZH_DEMO, "Think harder.": ""})  # an empty msgstr is no translation
    with pytest.raises(colab_zh.TranslationError, match="'Think harder.'"):
        colab.render_chapter(chapter, colab.Site(str(root), ZH), fake_glue, root=str(root), language=ZH)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_zh_code_cells_are_the_english_editions(chapter):
    """Byte for byte, metadata included: so running one zh notebook (tests/test_colab_run.py) stands for all."""
    english, chinese = committed(chapter), committed(chapter, ZH)
    assert [c.cell_type for c in chinese.cells] == [c.cell_type for c in english.cells]
    assert [c for c in chinese.cells if c.cell_type == "code"] == [c for c in english.cells if c.cell_type == "code"]
    assert chinese.metadata == english.metadata


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_no_myst_is_left_in_the_zh_markdown(chapter):
    problems = [(i, what, snippet) for i, cell in enumerate(committed(chapter, ZH).cells)
                if cell.cell_type == "markdown" for what, snippet in myst_leftovers(cell.source)]
    assert not problems, f"{colab_links.colab_path(chapter, ZH)}: MyST left in Colab's Markdown: {problems[:5]}"


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# English that stays in a zh paragraph on purpose: exercise titles (the catalogs have none yet: the zh website
# shows them in English too), and model names in a table.
ENGLISH_ALLOWED = [re.compile(r"\*\*练习 \([^()]*\)\*\*"), re.compile(r"GPT-2 small|GPT-3")]


def english_left(markdown):
    """The paragraphs, headings and table cells of Colab Markdown that read as English: a word and no Chinese,
    or four words or more and fewer Chinese characters than words (code, math, link targets aside)."""
    found = []
    for token in colab_zh.UNITS.parse(markdown):
        if token.type != "inline" or any(p.fullmatch(token.content.strip()) for p in ENGLISH_ALLOWED):
            continue
        text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\]\([^)]*\)|<https?://[^>]*>|<[^>]+>", "", token.content,
                      flags=re.S)
        words, chinese = len(re.findall(r"[A-Za-z]{2,}", text)), len(CJK.findall(text))
        if (words >= 1 and chinese == 0) or (words >= 4 and chinese < words):
            found.append(token.content[:100])
    return found


def test_the_english_scanner_finds_english():
    assert english_left("## Exercises") and english_left("- One item in English.")
    assert english_left("| 模型 | 损失 |\n|---|---|\n| 二元 | The loss |") and english_left("中文 and a long English sentence left")
    assert not english_left("## 练习\n\n用`encode(\"Emma\", uchars)`检查。\n\n**练习 (Break it: one run)**")
    assert not english_left("[numpy版的microgpt](https://x.github.io/y/zh/book/12_numpy.html)\n\n$\\text{loss} = x$")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_no_english_prose_is_left_in_the_zh_edition(chapter):
    left = [text for cell in committed(chapter, ZH).cells if cell.cell_type == "markdown"
            for text in english_left(cell.source)]
    assert not left, f"{colab_links.colab_path(chapter, ZH)} has English prose left: {left[:5]}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=IDS)
def test_zh_emphasis_renders(chapter):
    """Bold and italics next to Chinese punctuation: `**敲除它。**取` is no bold in CommonMark (nor on the website);
    `**敲除它**。取` is. No `*` may be left over once the Markdown is parsed."""
    for cell in committed(chapter, ZH).cells:
        if cell.cell_type != "markdown":
            continue
        for token in colab_zh.UNITS.parse(cell.source):
            if token.type != "inline" or re.search(r"\$.*\*.*\$", token.content):  # ($a*b$ is math)
                continue
            for child in token.children:
                assert not (child.type == "text" and "*" in child.content), \
                    f"{colab_links.colab_path(chapter, ZH)}: emphasis that does not render: {token.content[:120]!r}"


def test_check_sees_a_hand_edit_of_the_zh_edition_and_a_stale_translation(tmp_path):
    root = copy_book(tmp_path)
    path = root / colab.COLAB_DIR / colab_zh.COLAB_SUBDIR / "06_gpt.ipynb"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("## 概览", "## 总览", 1), encoding="utf-8")
    code, out = run_check(root, tmp_path / "no-build")
    assert code == 1 and out.startswith("colab/zh/06_gpt.ipynb is out of date") and "\n" not in out, out
    path.write_text(original, encoding="utf-8")
    (root / colab.COLAB_DIR / colab_zh.COLAB_SUBDIR / "99_stray.ipynb").write_text(original, encoding="utf-8")
    assert run_check(root, tmp_path / "no-build") == (
        1, "colab/zh/99_stray.ipynb belongs to no chapter of _toc.yml: delete it (`make colab` does).")
    os.remove(root / colab.COLAB_DIR / colab_zh.COLAB_SUBDIR / "99_stray.ipynb")
    chapter = root / "book" / "06_gpt.ipynb"  # an English edit that the catalog has not caught up with
    nb = nbformat.read(str(chapter), as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and "## Overview" in c.source)
    cell.source = cell.source.replace("## Overview", "## At a glance")
    nbformat.write(nb, str(chapter))
    assert run_check(root, tmp_path / "no-build")[0] == 1  # (colab/06_gpt.ipynb is stale: it says so first)
    with pytest.raises(colab_zh.TranslationError) as error:
        colab.render_chapter("book/06_gpt.ipynb", colab.Site(str(root), ZH), colab.any_value, str(root), ZH)
    assert str(error.value) == ("book/06_gpt.ipynb has no Chinese translation for the text 'At a glance': "
                                "translate it in locale/zh_CN/LC_MESSAGES/book/06_gpt.po.")


def test_readme_zh_colab_links_open_committed_zh_notebooks():
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    block = colab_links.readme_block(readme, ZH)
    assert block == colab_links.markdown_list(language=ZH), "run `.venv/bin/python tools/colab_links.py --write`"
    urls = re.findall(r"\((https://colab\.research\.google\.com/[^)]+)\)", block)
    assert len(urls) == len(CHAPTERS)
    for url, chapter in zip(urls, CHAPTERS):
        assert in_repository(url) == colab_links.colab_path(chapter, ZH) == f"colab/zh/{os.path.basename(chapter)}"
        assert_committed_rendition(url)
    assert colab_links.readme_block(readme) != block  # two lists, English and Chinese


class FakeApp:
    def __init__(self, language):
        self.srcdir = ROOT
        self.config = type("Config", (), {"language": language})()


@pytest.mark.parametrize("language, folder", [(None, "colab/"), ("en", "colab/"), ("zh_CN", "colab/zh/")])
def test_the_colab_button_follows_the_sites_language(language, folder):
    """On the zh website (language zh_CN) the Colab button opens colab/zh/ (checked here on the hook itself:
    the zh site is built by tools/i18n.py)."""
    button = {"text": "Colab", "url": "https://colab.research.google.com/github/x/y/blob/main/book/06_gpt.ipynb"}
    context = {"header_buttons": [{"label": "launch-buttons", "buttons": [button]}]}
    colab_launch.point_colab_at_rendition(FakeApp(language), "book/06_gpt", "page.html", context, None)
    assert in_repository(button["url"]) == folder + "06_gpt.ipynb"
    assert_committed_rendition(button["url"])


def test_zh_links_resolve_on_the_built_zh_site():
    """Every link from a zh Colab notebook to the website names a page of the zh site and an id on that page
    (glossary terms included: a translated term keeps the English term's id)."""
    site = os.path.join(built_site(), "zh")
    if not os.path.isfile(os.path.join(site, "index.html")):
        pytest.skip("no zh site in the built site (it is built with the English one by `make book`)")
    ids, checked = {}, 0
    for chapter in CHAPTERS:
        for number, cell in enumerate(committed(chapter, ZH).cells):
            if cell.cell_type != "markdown":
                continue
            for url in website_links(cell.source):
                if not url.startswith(SITE + "zh/"):  # only the first cell links the English page, by name
                    assert number == 0, f"{colab_links.colab_path(chapter, ZH)} links to the English site: {url}"
                    continue
                assert_on_site(site, SITE + "zh/", url, ids, colab_links.colab_path(chapter, ZH))
                checked += 1
    assert checked > 100, checked
