"""reading_time.py: a tiny Sphinx extension that estimates how long each chapter takes, and indexes its exercises.

The book types no number by hand, so the "how to use this book" page gets its time estimates from here:
for every notebook in _toc.yml it counts the words of the prose, the lines of code a reader sees (the setup
cell, which the book hides, and glue cells, which it removes, do not count; a recap cell is shown) and the
exercises, and turns them into minutes. It also reads each exercise's label and title, so the page's
exercise index and its checkpoints are generated too, never kept by hand. The results are MyST substitutions:
{{ read_01_tokenizing }}, {{ exercises_01_tokenizing }}, {{ read_total }}, {{ exercises_total }},
{{ exercise_list_01_tokenizing }} (links to the chapter's exercises, with their titles) and {{ checkpoints }}
(one line per part of _toc.yml: the exercises to pass before moving on, and how long they take). They change
by themselves when a chapter grows. They are written in the page's language (TEXT below; the titles from the
catalogs, through i18n.translator), so the Chinese edition gets them in Chinese without a catalog entry.
"""
import os
import re

import yaml
from docutils import nodes
from sphinx.transforms import SphinxTransform

from chapter import (EXERCISE, ROOT, cell_source, chapter_notebooks, exercises_of, is_glue_cell, is_setup,
                     read_notebook, strip_directives)
from i18n import translator

WORDS_PER_MINUTE = 200      # an average pace for technical prose
CODE_LINES_PER_MINUTE = 10  # reading a line of code, running the cell and looking at what it prints
MINUTES_PER_EXERCISE = 10   # predict, run, think: the exercises are small
TEXT = {  # what the pages say, in each language of the book (a language without an entry gets English)
    "en": {"minutes": "{minutes} min", "hours": "{hours} hours", "none": "none yet", "and": "; ",
           "before": "before *{part}*", "last": "to finish the book", "one": "1 exercise", "many": "{n} exercises",
           "checkpoint": "- **{part}**, {then}: {links} ({n}, about {minutes} min)"},
    "zh_CN": {"minutes": "{minutes}分钟", "hours": "{hours}小时", "none": "暂无", "and": "；",
              "before": "在进入*{part}*之前", "last": "读完全书", "one": "1个练习", "many": "{n}个练习",
              "checkpoint": "- **{part}**，{then}：{links}（{n}，约{minutes}分钟）"},
}


def measure(path):
    """(words of prose, lines of code a reader sees, number of exercises) of one notebook: the setup cell is
    hidden and glue cells are removed; a recap cell is shown, so it counts (chapter 11's whole program)."""
    words = code = exercises = 0
    for cell in read_notebook(path)["cells"]:
        text = cell_source(cell)
        if cell["cell_type"] == "markdown":
            words += len(text.split())
            exercises += sum(1 for _ in EXERCISE.finditer(text))
        code += shown_code_lines(cell)
    return words, code, exercises


def shown_code_lines(cell):
    """The lines of code a reader sees in a cell: none in Markdown, in the hidden setup cell or in a glue cell,
    which the book removes."""
    if cell["cell_type"] != "code" or is_setup(cell) or is_glue_cell(cell):
        return 0
    return sum(1 for line in strip_directives(cell_source(cell)).splitlines() if line.strip())


def reading_minutes(words, code):
    """Minutes to read so many words of prose and lines of code, unrounded."""
    return words / WORDS_PER_MINUTE + code / CODE_LINES_PER_MINUTE


def minutes(x):
    """Round to a multiple of 5 minutes, at least 5: these are estimates, not measurements."""
    return max(5, 5 * round(x / 5))


def link(label, title, short=False):
    """A MyST reference to an exercise, showing its title (short: without the kind, "Predict, then run: ",
    or its translation, "先预测，再运行：")."""
    if short:
        title = re.split(r": |：", title, maxsplit=1)[-1]
    return f"{{ref}}`{re.sub(r'[`<>]', '', title)} <{label}>`"


def links(found, translate, short=False, language="en"):
    """The references to exercises [(stem, label, title)], their titles in the page's language."""
    text = TEXT.get(language, TEXT["en"])
    return text["and"].join(link(label, translate(stem, title, title), short) for stem, label, title in found)


def parts(root):
    """[(caption, [chapter notebooks])] for each part of _toc.yml that holds chapter notebooks."""
    with open(os.path.join(root, "_toc.yml")) as f:
        toc = yaml.safe_load(f)
    out = []
    for part in toc.get("parts", []):
        notebooks = [c["file"] + ".ipynb" for c in part.get("chapters", [])
                     if os.path.isfile(os.path.join(root, c["file"] + ".ipynb"))]
        if notebooks:
            out.append((part.get("caption", ""), notebooks))
    return out


def stem_of(nb):
    return os.path.splitext(os.path.basename(nb))[0]


def checkpoint(root, notebooks):
    """The exercises of a part that a newcomer should pass, [(stem, label, title)]: its predict exercises,
    which `check` answers (a chapter without one contributes its first exercise)."""
    chosen = []
    for nb in notebooks:
        found = [(stem_of(nb), label, title) for label, title in exercises_of(os.path.join(root, nb))]
        chosen += [ex for ex in found if ex[2].startswith("Predict")] or found[:1]
    return chosen


def duration(total, language="en"):
    """A number of minutes as the page says it: under 90 in minutes, more in hours."""
    text = TEXT.get(language, TEXT["en"])
    return text["minutes"].format(minutes=total) if total < 90 else text["hours"].format(hours=f"{total / 60:.1f}")


def estimates(root, language="en"):
    """{substitution name: text} for every chapter notebook, plus the totals, in the page's language."""
    text, translate = TEXT.get(language, TEXT["en"]), translator(root, language)
    out, total_read, total_ex, read_of = {}, 0, 0, {}
    for nb in chapter_notebooks(root):
        words, code, exercises = measure(os.path.join(root, nb))
        read = minutes(reading_minutes(words, code))
        ex = minutes(exercises * MINUTES_PER_EXERCISE) if exercises else 0
        stem = stem_of(nb)
        read_of[nb] = read
        out[f"read_{stem}"] = text["minutes"].format(minutes=read)
        out[f"exercises_{stem}"] = text["minutes"].format(minutes=ex) if ex else "—"
        found = [(stem, label, title) for label, title in exercises_of(os.path.join(root, nb))]
        out[f"exercise_list_{stem}"] = links(found, translate, language=language) if found else text["none"]
        total_read, total_ex = total_read + read, total_ex + ex
    out["read_total"] = text["hours"].format(hours=f"{total_read / 60:.1f}")
    out["exercises_total"] = text["hours"].format(hours=f"{total_ex / 60:.1f}")
    found = parts(root)  # per part: a line of the checkpoints, and a session of the facilitator's guide
    captions = [translate("intro", caption, caption) for caption, _ in found]  # the root page's sidebar has them
    lines = []
    for k, (_, notebooks) in enumerate(found):
        chosen = checkpoint(root, notebooks)
        check, exercises = minutes(len(chosen) * MINUTES_PER_EXERCISE), links(chosen, translate, True, language)
        then = text["before"].format(part=captions[k + 1]) if k + 1 < len(found) else text["last"]
        n = text["one"] if len(chosen) == 1 else text["many"].format(n=len(chosen))
        lines.append(text["checkpoint"].format(part=captions[k], then=then, n=n, links=exercises, minutes=check))
        out[f"part_{k + 1}_read"] = duration(sum(read_of[nb] for nb in notebooks), language)
        out[f"part_{k + 1}_check"] = text["minutes"].format(minutes=check)
        out[f"part_{k + 1}_exercises"] = exercises
    out["checkpoints"] = "\n".join(lines)
    return out


def substitutions(root, language="en"):
    """Everything the pages substitute: the estimates and the reading paths (book/paths.yml, timed alike)."""
    import paths
    return {**estimates(root, language), **paths.substitutions(root, language)}


def add_estimates(app, config):
    if not os.path.isfile(os.path.join(str(app.srcdir), "_toc.yml")):
        return  # a single page built on its own (jupyter-book build book/NN_name.ipynb): no book to measure
    values = substitutions(str(app.srcdir), config.language or "en")
    config.myst_substitutions = {**(config.myst_substitutions or {}), **values}


class GeneratedText(SphinxTransform):
    """A list these substitutions write (the checkpoints, the reading paths) sits in a ```{container}
    mg-generated``` and is made in the page's language: no message catalog holds it (its numbers would
    make every change to a chapter a change to the catalog). Runs before Sphinx's translation (20)."""
    default_priority = 10

    def apply(self):
        for box in self.document.findall(nodes.container):
            if "mg-generated" in box["classes"]:
                for node in box.findall(nodes.TextElement):
                    node["translatable"] = False


def setup(app):
    app.add_transform(GeneratedText)
    app.connect("config-inited", add_estimates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":  # print the table: python tools/reading_time.py
    for key, value in estimates(ROOT).items():
        print(f"{key:32s} {value}" if "\n" not in value else f"{key}:\n{value}")
