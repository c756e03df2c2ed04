"""paths.py: the reading paths of how_to_use.md (book/paths.yml), as linked lists with computed times.

A chapter's sections are its `## ` headings; each is timed like a chapter in reading_time.py (words of prose
and lines of code a reader sees). The core path takes each chapter's overview, every section with a cell that
writes lines of code/microgpt.py (line_map.origins), and the sections paths.yml adds; it ends on the line map
with the lines of the script it has not shown yet. The one-day path takes every section of the chapters up to
`chapters_through` but those it skips, and the checkpoint exercises of those parts. Exercise sections are
never read on a path: a path times exercises only as checkpoints. A path over its budget, or a section name
that is not on its page, stops the build with one sentence.

    python tools/paths.py    print the paths
"""
import os
import re

import yaml
from docutils.nodes import make_id

import line_map
import reading_time
from i18n import translator
from chapter import EXERCISE, ROOT, cell_source, chapter_notebooks, is_glue_cell, is_setup, read_notebook

SPEC = "book/paths.yml"
TEXT = {  # what the page says; a language without an entry gets English
    "en": {"line_map": "then read the whole of `code/microgpt.py` on the {{ref}}`line map <line-map>`: "
                       "{new} lines you have not met on the way ({minutes} min)",
           "checkpoints": "the checkpoints of these parts ({n} exercises, {minutes} min)",
           "item": "1. {chapter}: {links} ({time})", "and": ", "},
    "zh_CN": {"line_map": "最后在{{ref}}`逐行对照表 <line-map>`上通读 `code/microgpt.py`："
                          "其中{new}行是路上没见过的（{minutes}分钟）",
              "checkpoints": "这几部分的检查点（{n}道练习，{minutes}分钟）",
              "item": "1. {chapter}：{links}（{time}）", "and": "、"},
}


class PathError(Exception):
    """A path that cannot be made as paths.yml says: the message is one sentence."""


def plain(title):
    """A heading's text as the page shows it: roles and Markdown marks dropped."""
    title = re.sub(r"\{[\w:-]+\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", title)
    return re.sub(r"[`*]", "", title).strip()


def sections(path):
    """[{title, id, words, code, cells, exercises}] of one notebook's `## ` sections, in order."""
    found, current = [], None
    for index, cell in enumerate(read_notebook(path)["cells"]):
        text = cell_source(cell)
        if cell["cell_type"] == "markdown":
            for line in text.split("\n"):
                heading = re.match(r"^## (.+)$", line)
                if heading:
                    title = plain(heading.group(1))
                    current = {"title": title, "source": heading.group(1).strip(), "id": make_id(title),
                               "words": 0, "code": 0, "cells": set(), "exercises": 0}
                    found.append(current)
                elif current:
                    current["words"] += len(line.split())
            if current:
                current["exercises"] += len(EXERCISE.findall(text))
        elif current and not is_setup(cell) and not is_glue_cell(cell):
            current["code"] += reading_time.shown_code_lines(cell)
            current["cells"].add(index)
    return found


def minutes_of(section):
    return reading_time.reading_minutes(section["words"], section["code"])


def chosen(root, spec, name, stem, secs, writing):
    """The sections of one chapter that the path `name` reads."""
    path = spec[name]
    for listed in (path.get("also", {}).get(stem, []), path.get("skip", {}).get(stem, [])):
        for section in listed:
            if section not in [s["id"] for s in secs]:
                raise PathError(f"{SPEC}: {name} names the section '{section}' of {stem}, which has none "
                                f"by that name")
    reading = [s for s in secs if not s["exercises"] and s["id"] not in path.get("skip", {}).get(stem, [])]
    if name == "core":
        return [s for s in reading if s is secs[0] or s["id"] in path.get("also", {}).get(stem, [])
                or any((stem, i) in writing for i in s["cells"])]
    return reading


def build(root=ROOT, language="en"):
    """{name: ([(stem, [sections])], extra lines, total minutes)} for each path of paths.yml."""
    with open(os.path.join(root, SPEC)) as f:
        spec = yaml.safe_load(f)
    text = TEXT.get(language, TEXT["en"])
    found = line_map.origins(root)
    writing = {(stem, index) for _, _, stem, index in found}
    stems = [os.path.splitext(os.path.basename(nb))[0] for nb in chapter_notebooks(root)]
    out = {}
    for name, path in spec.items():
        last = path.get("chapters_through", stems[-1])
        if last not in stems:
            raise PathError(f"{SPEC}: {name} reads through '{last}', which is not a chapter")
        chapters, total, seen = [], 0.0, set()
        for stem in stems[:stems.index(last) + 1]:
            secs = sections(os.path.join(root, "book", stem + ".ipynb"))
            picked = chosen(root, spec, name, stem, secs, writing)
            if picked and (name != "core" or len(picked) > 1):
                chapters.append((stem, picked))
                total += sum(minutes_of(s) for s in picked)
                seen |= {(stem, i) for s in picked for i in s["cells"]}
        extra = []
        if name == "core":
            new = sum(1 for _, line, stem, index in found if line.strip() and (stem, index) not in seen)
            extra.append(text["line_map"].format(new=new, minutes=reading_time.minutes(
                reading_time.reading_minutes(0, new))))
            total += reading_time.reading_minutes(0, new)
        if path.get("checkpoints"):
            read = {f"book/{stem}.ipynb" for stem in stems[:stems.index(last) + 1]}
            picks = [e for _, nbs in reading_time.parts(root)
                     for e in reading_time.checkpoint(root, [nb for nb in nbs if nb in read])]
            spent = len(picks) * reading_time.MINUTES_PER_EXERCISE
            extra.append(text["checkpoints"].format(n=len(picks), minutes=reading_time.minutes(spent)))
            total += spent
        if total > path["budget_minutes"]:
            raise PathError(f"{SPEC}: {name} takes {total:.0f} minutes, over its budget of "
                            f"{path['budget_minutes']}: skip a section or raise the budget")
        out[name] = (chapters, extra, total)
    return out


def substitutions(root=ROOT, language="en"):
    """{{ path_NAME }} (the list) and {{ path_NAME_time }} for each path."""
    text, units = TEXT.get(language, TEXT["en"]), reading_time.TEXT.get(language, reading_time.TEXT["en"])
    translate = translator(root, language)
    out = {}
    for name, (chapters, extra, total) in build(root, language).items():
        lines = []
        for stem, picked in chapters:
            links = text["and"].join(f'<a href="{stem}.html#{s["id"]}">{translate(stem, s["source"], s["title"])}</a>'
                              for s in picked)
            minutes = reading_time.minutes(sum(minutes_of(s) for s in picked))
            lines.append(text["item"].format(chapter=f"{{ref}}`{label_of(root, stem)}`", links=links,
                                             time=units["minutes"].format(minutes=minutes)))
        lines += [f"1. {line}" for line in extra]
        out[f"path_{name}"] = "\n".join(lines)
        hours = total / 60
        out[f"path_{name}_time"] = (units["minutes"].format(minutes=reading_time.minutes(total)) if hours < 2.5
                                    else units["hours"].format(hours=f"{hours:.1f}"))
    return out


def label_of(root, stem):
    """The chapter's label, the `(label)=` line above its title."""
    for cell in read_notebook(os.path.join(root, "book", stem + ".ipynb"))["cells"]:
        match = re.search(r"^\(([\w-]+)\)=\s*$", cell_source(cell), re.M)
        if cell["cell_type"] == "markdown" and match:
            return match.group(1)
    raise PathError(f"book/{stem}.ipynb has no (label)= line above its title")


if __name__ == "__main__":
    for key, value in substitutions().items():
        print(f"{key}:\n{value}\n")
