"""One source: setup cells, recaps, code/ and the generated lists are exactly what the tools make from the
notebooks, and tools/tangle.py refuses every broken rule with one sentence."""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

import chapter
import tangle

VENV = os.path.join(ROOT, ".venv")


def run(root, *args):
    return subprocess.run([sys.executable, os.path.join(root, "tools", "tangle.py"), *args],
                          capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path):
    """A copy of everything the tools read and write (file times kept, so make sees no stale venv)."""
    for folder in ("book", "code", "tools"):
        shutil.copytree(os.path.join(ROOT, folder), tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("CONTRIBUTING.md", "README.md", "_config.yml", "_toc.yml", "Makefile", "requirements.txt"):
        shutil.copy2(os.path.join(ROOT, name), tmp_path / name)
    return str(tmp_path)


def edit_notebook(root, notebook, change):
    """Apply change(cells) to a notebook of the copy."""
    path = os.path.join(root, "book", notebook)
    nb = json.load(open(path, encoding="utf-8"))
    change(nb["cells"])
    open(path, "w", encoding="utf-8").write(chapter.notebook_text(nb))


def code_cell(source, tags=()):
    return {"cell_type": "code", "execution_count": None, "id": f"test{abs(hash(source)) % 10**8}",
            "metadata": {"tags": list(tags)}, "outputs": [], "source": source.splitlines(True)}


def first_with(cells, text):
    return next(c for c in cells if text in "".join(c["source"]))


def refusal(root):
    """Run tangle on the copy: it must exit 2 with exactly one line on stderr, and no traceback."""
    result = run(root)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tangle: ") and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_everything_generated_is_in_sync_and_notebooks_are_stripped():
    result = run(ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("target, edit", [
    ("code/microgpt.py", lambda text: text + "# a hand edit\n"),
    ("CONTRIBUTING.md", lambda text: text.replace("| `value` |", "| `value2` |", 1)),
    ("README.md", lambda text: text.replace("01_tokenizing.ipynb", "01_tokenising.ipynb", 1)),
    ("book/07_optimization.ipynb", lambda text: text.replace("def relu(self)", "def relu(self) ", 1)),
])
def test_make_check_names_a_hand_edited_generated_file(repo, target, edit):
    path = os.path.join(repo, target)
    text = open(path, encoding="utf-8").read()
    assert edit(text) != text, "the edit must change something"
    open(path, "w", encoding="utf-8").write(edit(text))
    result = subprocess.run(["make", "-s", f"VENV={VENV}", "-o", f"{VENV}/bin/activate", "check"], cwd=repo,
                            capture_output=True, text=True)
    assert result.returncode != 0
    messages = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(messages) == 1 and target in messages[0] and messages[0].endswith("."), result.stdout


def test_tangle_repairs_a_drifted_setup_cell(repo):
    path = os.path.join(repo, "book", "07_optimization.ipynb")
    text = open(path).read()
    open(path, "w").write(text.replace("def relu(self)", "def relu(self) ", 1))
    assert run(repo, "--check").returncode == 1
    assert run(repo).returncode == 0
    assert open(path).read() == text and run(repo, "--check").returncode == 0


def test_check_catches_outputs_left_in_a_notebook(repo):
    path = os.path.join(repo, "book", "01_tokenizing.ipynb")
    text = open(path).read()
    open(path, "w").write(text.replace('"execution_count": null', '"execution_count": 7', 1))
    result = run(repo, "--check")
    assert result.returncode == 1 and "book/01_tokenizing.ipynb holds outputs" in result.stdout


def test_an_unknown_directive_is_refused(repo):
    edit_notebook(repo, "03_mlp.ipynb", lambda cells: cells.append(code_cell("#| expotr train1\nx = 1")))
    assert "unknown directive '#| expotr'" in refusal(repo)


def test_a_block_defined_in_two_notebooks_is_refused(repo):
    edit_notebook(repo, "05_attention.ipynb", lambda cells: cells.append(code_cell("#| block value\nx = 1")))
    assert "block 'value' is defined in both book/04_autograd.ipynb and book/05_attention.ipynb" in refusal(repo)


def test_an_unused_block_is_refused(repo):
    edit_notebook(repo, "05_attention.ipynb",
                  lambda cells: cells.append(code_cell("#| block lonely\ndef nobody_calls_me():\n    pass")))
    assert "block 'lonely' of book/05_attention.ipynb is used by no setup cell" in refusal(repo)


def test_a_recap_of_an_unknown_block_is_refused(repo):
    edit_notebook(repo, "05_attention.ipynb", lambda cells: cells.append(code_cell("#| recap nothing_here")))
    assert "recaps block 'nothing_here', which no notebook defines" in refusal(repo)


def test_exported_glue_is_refused(repo):
    def add_glue(cells):
        cell = first_with(cells, "#| export train3")
        cell["source"] = ("".join(cell["source"]) + '\nglue("x", 1)').splitlines(True)
    edit_notebook(repo, "05_attention.ipynb", add_glue)
    assert "calls glue() and has directives" in refusal(repo)


def test_glue_outside_a_glue_cell_is_refused(repo):
    edit_notebook(repo, "05_attention.ipynb", lambda cells: cells.append(code_cell('y = 2\nglue("y", y)')))
    assert "move the calls into a cell of glue calls alone" in refusal(repo)


def test_a_chapter_without_its_setup_cell_is_refused(repo):
    edit_notebook(repo, "06_gpt.ipynb", lambda cells: cells.remove(first_with(cells, "#| setup")))
    assert "book/06_gpt.ipynb must have exactly one '#| setup' cell" in refusal(repo)


def test_a_script_needing_an_unexported_cell_is_refused(repo):
    def unexport(cells):
        cell = first_with(cells, "def rmsnorm(")
        cell["source"] = [line for line in cell["source"] if not line.startswith("#| export")]
    edit_notebook(repo, "05_attention.ipynb", unexport)
    assert "code/train3.py uses rmsnorm, defined in book/05_attention.ipynb in a cell that is not exported" \
        in refusal(repo)


def test_a_setup_cell_brings_only_what_its_chapter_uses():
    _, chapters = tangle.load(ROOT)
    setups = {name: "".join(cells[0].cell["source"]) for name, cells in chapters}
    assert "# value: from" not in setups["03_mlp.ipynb"]             # chapter 3 predates Value
    assert "# mlp: from" not in setups["08_sampling.ipynb"]          # sampling never touches the MLP
    assert "# sgd: from" in setups["06_gpt.ipynb"]                   # the GPT trains with chapter 5's SGD
    assert "myst_nb" not in setups["02_bigram.ipynb"].split("# data: from")[1]  # the glue stand-in comes first


def test_a_setup_cell_brings_only_the_statements_its_chapter_uses():
    _, chapters = tangle.load(ROOT)
    setups = {name: "".join(cells[0].cell["source"]) for name, cells in chapters}
    assert "def encode(" in setups["08_sampling.ipynb"] and "def decode(" not in setups["08_sampling.ipynb"]
    assert "def moving_average(" in setups["07_optimization.ipynb"]
    assert "def plot_loss(" not in setups["07_optimization.ipynb"]  # chapter 7 draws its own curves
    # a statement that is not a definition comes with its block: the shuffle decides the training names
    assert "random.seed(42)\ndocs = load_docs()\nrandom.shuffle(docs)" in setups["08_sampling.ipynb"]


def test_setup_cells_are_compact_and_scripts_keep_their_comments():
    _, chapters = tangle.load(ROOT)
    for name, cells in chapters:
        setup = chapter.cell_source(cells[0].cell).split(chapter.GLUE_SHIM)[-1].split(chapter.SETUP_NAMER)[-1]
        comments = [line for line in setup.splitlines()
                    if line.lstrip().startswith("#") and not re.fullmatch(r"#\| setup|# \w+: from \S+", line)]
        assert not comments and '"""' not in setup, f"book/{name}'s setup keeps comments or docstrings"
    script = open(os.path.join(ROOT, "code", "microgpt.py"), encoding="utf-8").read()
    assert '"""A scalar that remembers how it was made' in script and "# first moment" in script


def test_compacting_keeps_the_code_and_strings_whole():
    code = ('class Oops(Exception):\n    """Only a docstring."""\n\n\n'
            'def f(x):  # a comment\n    """Doc."""\n\n    # alone\n    s = """two\n\nlines"""\n    return x, s\n')
    compact = tangle.strip_comments(code)
    assert compact == 'class Oops(Exception):\n    pass\ndef f(x):\n    s = """two\n\nlines"""\n    return x, s'
    space = {}
    exec(compact, space)
    assert space["f"](1) == (1, "two\n\nlines") and issubclass(space["Oops"], Exception)


def test_generated_scripts_import_each_module_once_and_never_glue():
    for script in sorted(os.listdir(os.path.join(ROOT, "code"))):
        text = open(os.path.join(ROOT, "code", script), encoding="utf-8").read()
        imports = [line for line in text.splitlines() if re.match(r"(import|from \S+ import) ", line)]
        assert len(imports) == len(set(imports)), f"code/{script} repeats an import"
        assert "myst_nb" not in text and "glue(" not in text, f"code/{script} mentions glue"


def test_the_block_inventory_lists_every_block_and_contributing_shows_it():
    result = run(ROOT, "--blocks")
    assert result.returncode == 0
    _, chapters = tangle.load(ROOT)
    blocks = tangle.collect_blocks(chapters)
    assert len(blocks) >= 5
    contributing = open(os.path.join(ROOT, "CONTRIBUTING.md"), encoding="utf-8").read()
    for block, info in blocks.items():
        row = next(line for line in result.stdout.splitlines() if line.startswith(f"| `{block}` |"))
        assert info["owner"] in row and row in contributing


def test_code_lines_fit_the_text_column():
    """The site's column holds 100 characters of code (book/_static/css/book.css); tests/test_site.py checks the
    rendered pages, this checks the source."""
    _, chapters = tangle.load(ROOT)
    long = [(cell.where, line) for _, cells in chapters for cell in cells
            for line in chapter.cell_source(cell.cell).split("\n") if len(line) > 100]
    assert not long, f"{len(long)} code lines longer than 100 characters, first: {long[:3]}"


def test_what_the_prose_says_a_setup_brings_is_in_it():
    """A paragraph that tells the reader what the hidden setup cell brings in names code, and chapters, that are
    really there."""
    notebooks, chapters = tangle.load(ROOT)
    label_of = {os.path.basename(path): re.search(r"\((ch-[\w-]+)\)=", chapter.cell_source(nb["cells"][0])).group(1)
                for path, nb in notebooks}
    checked = 0
    for (path, nb), (name, cells) in zip(notebooks, chapters):
        defined = tangle.names_of(cells[0].body, name)[0]
        sources = {label_of[owner] for owner in re.findall(r"^# \w+: from (\S+)$", cells[0].body, re.M)}
        for cell in nb["cells"]:
            paragraphs = chapter.cell_source(cell).split("\n\n") if cell["cell_type"] == "markdown" else []
            for text in [p for p in paragraphs if "setup cell above" in p]:
                claimed = set(re.findall(r"`(\w+)`", text))
                assert claimed <= defined, f"book/{name} says its setup brings {sorted(claimed - defined)}"
                chapters_named = set(re.findall(r"\{ref\}`(ch-[\w-]+)`", text))
                assert chapters_named <= sources, \
                    f"book/{name}: its setup brings nothing from {sorted(chapters_named - sources)}"
                checked += len(claimed) + len(chapters_named)
    assert checked >= 15
