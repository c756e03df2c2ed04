"""The ladder: the one table of results that grows from chapter 2 to chapter 7, written from one list.

Every model the book trains is a rung. The chapter that trains it glues four numbers for it,
ladder_<rung>_params, _val_loss, _ppl and _steps, and a chapter shows the ladder so far in a Markdown
cell, between two markers:

    <!-- ladder: up to attention; written by tools/ladder.py -->
    | model | chapter | parameters | ... (every rung up to `attention`, written by this tool)
    <!-- ladder: end -->

The rows, their labels and the columns live only in RUNGS and COLUMNS below, so every chapter shows the same
columns in the same order. A rung glued in the chapter itself is referenced by its plain key, one from another
chapter as `NN_name.ipynb::key:s`.

Usage:
    python tools/ladder.py            rewrite every ladder table in book/*.ipynb
    python tools/ladder.py --check    change nothing; exit 1 naming each notebook whose table is stale
A broken rule (an unknown rung, a marker without its end, a rung whose numbers its chapter does not glue)
stops it with one sentence naming the notebook, exit 2.
"""
import os
import re
import sys

from chapter import ROOT, cell_source, chapter_notebooks, notebook_text, read_notebook, set_cell_source

RUNGS = [  # (key, model, chapter label or "", the notebook that trains it and glues its numbers)
    ("uniform", "uniform guessing", "", "02_bigram.ipynb"),
    ("bigram", "bigram (counts)", "ch-bigram", "02_bigram.ipynb"),
    ("trigram", "trigram (counts, an exercise)", "ch-bigram", "02_bigram.ipynb"),
    ("mlp", "MLP, hand-written gradients", "ch-mlp", "03_mlp.ipynb"),
    ("autograd", "MLP, autograd", "ch-autograd", "04_autograd.ipynb"),
    ("attention", "one attention head, SGD", "ch-attention", "05_attention.ipynb"),
    ("gpt", "full GPT, SGD", "ch-gpt", "06_gpt.ipynb"),
    ("adam", "microgpt: full GPT, Adam", "ch-optimization", "07_optimization.ipynb"),
]
COLUMNS = [  # (header, glue key suffix)
    ("parameters", "params"),
    ("val loss (nats)", "val_loss"),
    ("perplexity", "ppl"),
    ("steps", "steps"),
]  # no time per step: each chapter measures its own, at another moment of the build, so they do not compare
START = re.compile(r"<!-- ladder: up to (\w+); written by tools/ladder.py -->\n")
END = "<!-- ladder: end -->"


class LadderError(Exception):
    """A broken rule: the message is one sentence naming the notebook."""


def header():
    return ("| model | chapter | " + " | ".join(h for h, _ in COLUMNS) + " |\n"
            + "|---|---|" + "---:|" * len(COLUMNS) + "\n")


def table(up_to, notebook):
    """The Markdown rows of every rung up to `up_to`, as `notebook` must reference their glued numbers."""
    keys = [key for key, *_ in RUNGS]
    rows = []
    for key, model, chapter, owner in RUNGS[: keys.index(up_to) + 1]:
        prefix, suffix = ("", "") if owner == notebook else (f"{owner}::", ":s")
        number = int(owner.split("_")[0])  # the chapter's number, linked to it: a short column
        cells = [model, f"{{ref}}`{number} <{chapter}>`" if chapter else ""]
        cells += [f"{{glue:text}}`{prefix}ladder_{key}_{column}{suffix}`" for _, column in COLUMNS]
        rows.append("| " + " | ".join(cells) + " |\n")
    return header() + "".join(rows)


def glued_keys(nb):
    """Every `ladder_...` key that a notebook's code cells glue."""
    code = "\n".join(cell_source(c) for c in nb["cells"] if c["cell_type"] == "code")
    return set(re.findall(r"glue\(\s*[\"'](ladder_\w+)[\"']", code))


def check_rules(notebooks):
    names = [os.path.basename(path) for path, _ in notebooks]
    keys = [key for key, *_ in RUNGS]
    for key, _, _, owner in RUNGS:
        if owner not in names:
            raise LadderError(f"tools/ladder.py: the rung '{key}' belongs to {owner}, which does not exist")
        missing = [f"ladder_{key}_{c}" for _, c in COLUMNS
                   if f"ladder_{key}_{c}" not in glued_keys(notebooks[names.index(owner)][1])]
        if missing:
            raise LadderError(f"book/{owner} does not glue {', '.join(missing)}, which its ladder row needs")
    for path, nb in notebooks:
        name = os.path.basename(path)
        for cell in nb["cells"]:
            for match in START.finditer(cell_source(cell)):
                up_to = match.group(1)
                if up_to not in keys:
                    raise LadderError(f"book/{name} asks for a ladder up to '{up_to}', which is not a rung "
                                      f"of tools/ladder.py ({', '.join(keys)})")
                if names.index(RUNGS[keys.index(up_to)][3]) > names.index(name):
                    raise LadderError(f"book/{name} shows the rung '{up_to}', which a later chapter trains")
    for owner in dict.fromkeys(owner for *_, owner in RUNGS):
        nb = notebooks[names.index(owner)][1]
        if not any(START.search(cell_source(c)) for c in nb["cells"] if c["cell_type"] == "markdown"):
            raise LadderError(f"book/{owner} trains a rung but shows no ladder table (add the markers)")


def rewrite(text, notebook):
    """The cell text with every ladder table between the markers written anew."""
    out, pos = [], 0
    for match in START.finditer(text):
        end = text.find(END, match.end())
        if end < 0:
            raise LadderError(f"book/{notebook} opens a ladder table without its end marker '{END}'")
        out += [text[pos:match.end()], table(match.group(1), notebook)]
        pos = end
    return "".join(out) + text[pos:]


def ladder(root=ROOT, write=False):
    """Rewrite every ladder table; return the notebooks that were (or, without write, would be) changed."""
    notebooks = [(p, read_notebook(p)) for p in (os.path.join(root, c) for c in chapter_notebooks(root))]
    check_rules(notebooks)
    changed = []
    for path, nb in notebooks:
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown" and START.search(cell_source(cell)):
                set_cell_source(cell, rewrite(cell_source(cell), os.path.basename(path)))
        text = notebook_text(nb)
        if open(path, encoding="utf-8").read() != text:
            changed.append(os.path.relpath(path, root))
            if write:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    return changed


def main(args):
    if "--check" in args:
        stale = ladder()
        for path in stale:
            print(f"{path}: its ladder table is not what tools/ladder.py writes (edited by hand?); "
                  f"run `make code`.")
        return 1 if stale else 0
    for path in ladder(write=True):
        print("wrote " + path)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except LadderError as e:
        print(f"ladder: {e}", file=sys.stderr)
        sys.exit(2)
