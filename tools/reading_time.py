"""reading_time.py: a tiny Sphinx extension that estimates how long each chapter takes.

The book types no number by hand, so the "how to use this book" page gets its time estimates from here:
for every notebook in _toc.yml it counts the words of the prose, the lines of code a reader sees (recap
cells and setup cells, which the book hides, and glue cells, which it removes, do not count) and the exercises, and turns them into minutes. The results
are MyST substitutions: {{ read_01_tokenizing }}, {{ exercises_01_tokenizing }}, {{ read_total }},
{{ exercises_total }}. They change by themselves when a chapter grows.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from toc import chapter_notebooks

WORDS_PER_MINUTE = 200      # an average pace for technical prose
CODE_LINES_PER_MINUTE = 10  # reading a line of code, running the cell and looking at what it prints
MINUTES_PER_EXERCISE = 10   # predict, run, think: the exercises are small
EXERCISE = re.compile(r"^(```|:::)\{exercise(-start)?\}", re.M)


def measure(path):
    """(words of prose, lines of visible code, number of exercises) of one notebook."""
    words = code = exercises = 0
    for cell in json.load(open(path, encoding="utf-8"))["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            words += len(text.split())
            exercises += len(EXERCISE.findall(text))
        elif cell["cell_type"] == "code" and not text.startswith(("#| recap", "#| setup")) \
                and "remove-cell" not in cell["metadata"].get("tags", []):
            code += sum(1 for line in text.splitlines() if line.strip() and not line.startswith("#|"))
    return words, code, exercises


def minutes(x):
    """Round to a multiple of 5 minutes, at least 5: these are estimates, not measurements."""
    return max(5, 5 * round(x / 5))


def estimates(root):
    """{substitution name: text} for every chapter notebook, plus the totals."""
    out, total_read, total_ex = {}, 0, 0
    for nb in chapter_notebooks(root):
        words, code, exercises = measure(os.path.join(root, nb))
        read = minutes(words / WORDS_PER_MINUTE + code / CODE_LINES_PER_MINUTE)
        ex = minutes(exercises * MINUTES_PER_EXERCISE) if exercises else 0
        stem = os.path.splitext(os.path.basename(nb))[0]
        out[f"read_{stem}"] = f"{read} min"
        out[f"exercises_{stem}"] = f"{ex} min" if ex else "—"
        total_read, total_ex = total_read + read, total_ex + ex
    out["read_total"] = f"{total_read / 60:.1f} hours"
    out["exercises_total"] = f"{total_ex / 60:.1f} hours"
    return out


def add_estimates(app, config):
    config.myst_substitutions = {**(config.myst_substitutions or {}), **estimates(str(app.srcdir))}


def setup(app):
    app.connect("config-inited", add_estimates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":  # print the table: python tools/reading_time.py
    for key, value in estimates(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))).items():
        print(f"{key:32s} {value}")
