"""chapter.py: what a chapter is, for every tool and test. The rules live here once.

- the repository's root, and the chapters: the notebook pages of _toc.yml, in reading order;
- a notebook's cells (read and written as tangle writes them: JSON with one-space indents);
- directives: a code cell may begin with lines `#| word args` (setup, block, recap, export; see tangle.py);
  only leading lines count, and the book never shows them;
- the kinds of code cell: the setup cell (`#| setup`, the first code cell, hidden), glue cells (glue calls
  alone, tagged remove-cell) and answer keys (hidden, starting with ANSWER_KEY);
- exercises: a `{exercise}` (or `{exercise-start}`) directive with a :label:.
"""
import ast
import json
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRECTIVES = ("setup", "block", "recap", "export")
ANSWER_KEY = "# answer key of the exercise above"
GLUE_SHIM = '''\
try:
    from myst_nb import glue as paste  # the book's build pastes glued numbers into the prose
except ImportError:  # elsewhere (Colab, Jupyter) the numbers are already in the text
    paste = None


def glue(name, value, display=True, measured=False, noise=None):
    # measured: differs by machine (a timing); noise: numpy's rounding, far below the digits shown
    if paste:
        paste(name, value, display)'''
SETUP_NAMER = '''\
def name_setup_code(names, blocks):
    # so that a traceback through this cell names the chapter and block of each function
    import linecache
    import types

    def renamed(code, name):
        consts = [renamed(c, name) if isinstance(c, types.CodeType) else c for c in code.co_consts]
        return code.replace(co_filename=name, co_consts=tuple(consts))

    for filename, defined in blocks.items():
        for name in defined:
            obj = names[name]
            for f in vars(obj).values() if isinstance(obj, type) else [obj]:
                f = getattr(f, "__func__", getattr(f, "fget", f))  # a static method, a property
                if isinstance(f, types.FunctionType):
                    lines = linecache.getlines(f.__code__.co_filename)
                    linecache.cache[filename] = (sum(map(len, lines)), None, lines, filename)
                    f.__code__ = renamed(f.__code__, filename)'''


def setup_filename(notebook, block):
    """What a traceback calls the code of a block in a setup cell: '<setup: 04_autograd block value>'."""
    return f"<setup: {os.path.splitext(os.path.basename(notebook))[0]} block {block}>"


FENCE = r"^(?:`{3,}|:{3,})"
EXERCISE = re.compile(FENCE + r"\{exercise(?:-start)?\}[ \t]*(.*)\n(?::[\w-]+:.*\n)*?:label:[ \t]*(\S+)", re.M)
"""An exercise's title (group 1) and its label (group 2)."""


# --- the chapters ---------------------------------------------------------------------------------------------

def toc_files(root=ROOT):
    """Every `file:` entry of _toc.yml (the root page first), in reading order, without extension."""
    with open(os.path.join(root, "_toc.yml")) as f:
        toc = yaml.safe_load(f)
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key, value in node.items():
                if key != "file":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def chapter_notebooks(root=ROOT):
    """The pages of _toc.yml that are notebooks: paths like 'book/01_tokenizing.ipynb', in reading order."""
    return [f + ".ipynb" for f in toc_files(root) if os.path.isfile(os.path.join(root, f + ".ipynb"))]


# --- cells ----------------------------------------------------------------------------------------------------

def read_notebook(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def notebook_text(nb):
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def cell_source(cell):
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def set_cell_source(cell, text):
    cell["source"] = text.splitlines(keepends=True)


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


# --- directives -----------------------------------------------------------------------------------------------

def split_directives(text):
    """Split a cell into its directive lines ('#| word args', as (word, [args])) and its body."""
    lines = text.split("\n")
    directives = []
    while lines and lines[0].startswith("#| "):
        word, *args = lines.pop(0)[3:].split()
        directives.append((word, args))
    return directives, "\n".join(lines).strip("\n")


def strip_directives(text):
    """The cell as the reader sees it: without its leading directive lines."""
    return split_directives(text)[1]


def first_directive(cell):
    directives = split_directives(cell_source(cell))[0]
    return directives[0][0] if directives else None


# --- kinds of code cell ---------------------------------------------------------------------------------------

def is_setup(cell):
    """The chapter's setup cell (tangle checks there is one, the first code cell, tagged hide-input)."""
    return cell["cell_type"] == "code" and first_directive(cell) == "setup"


def glue_calls(tree):
    """Every glue(...) call in a parsed piece of code."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "glue":
            yield node


def calls_glue(code):
    return any(glue_calls(ast.parse(code)))


def is_glue_only(code):
    """Every statement is a glue(...) call, or a loop whose body is only glue calls."""
    def glue_stmt(s):
        if isinstance(s, ast.Expr):
            return isinstance(s.value, ast.Call) and getattr(s.value.func, "id", None) == "glue"
        return isinstance(s, ast.For) and not s.orelse and all(glue_stmt(b) for b in s.body)
    return all(glue_stmt(s) for s in ast.parse(code).body)


def is_glue_cell(cell):
    """A cell of glue calls alone, tagged remove-cell: the page never shows it, Colab and live mode drop it."""
    return cell["cell_type"] == "code" and "remove-cell" in tags(cell)


def without_glue_shim(code):
    """A setup cell's code without the glue stand-in (for Colab and live mode, where nothing glues)."""
    return re.sub(r"\n{3,}", "\n\n\n", code.replace(GLUE_SHIM, "")).strip("\n")


def is_answer_key(cell):
    return (cell["cell_type"] == "code" and "hide-input" in tags(cell)
            and strip_directives(cell_source(cell)).startswith(ANSWER_KEY))


# --- exercises ------------------------------------------------------------------------------------------------

def exercises_of(path):
    """[(label, title)] of the exercises of one notebook, in reading order."""
    found = []
    for cell in read_notebook(path)["cells"]:
        if cell["cell_type"] == "markdown":
            found += [(m.group(2), m.group(1).strip()) for m in EXERCISE.finditer(cell_source(cell))]
    return found
