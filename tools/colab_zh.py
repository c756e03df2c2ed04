"""colab_zh.py: the Chinese prose of the Colab edition, colab/zh/NN_name.ipynb (written by tools/colab.py).

The Chinese Colab notebook of a chapter is the English one with every Markdown unit replaced by its
translation from the page's catalog, locale/zh_CN/LC_MESSAGES/book/NN_name.po, BEFORE the MyST is turned
into Markdown: the roles of a translation get the treatment the English roles get (numbers pasted, links to
the zh website). A unit is what Sphinx makes one message of: a paragraph, a heading, a list item's paragraph,
a table cell (each normalized: newlines made spaces, stripped). A unit without a translation stops the tool
with one sentence. Code cells are the English edition's, byte for byte.
"""
import os
import re

from babel.messages.pofile import read_po
from markdown_it import MarkdownIt

from chapter import ROOT
LANGUAGE = "zh_CN"
SITE_PREFIX = "zh/"  # the zh website: <site>/zh/book/NN_name.html
COLAB_SUBDIR = "zh"  # colab/zh/NN_name.ipynb
# The words colab.py writes itself (directive titles), as the zh website shows them.
WORDS = {"Exercise": "练习", "Solution": "解答", "Solution (continued)": "解答（续）", "Figure": "图",
         "See also": "参见", "Note": "注意", "Tip": "提示", "Hint": "提示", "Important": "重要", "Warning": "警告",
         "Show": "展开"}
UNITS = MarkdownIt("commonmark").enable("table")
LABEL = re.compile(r"\(\S+\)=")  # a MyST target line: no message, and no text in Colab
DISPLAY_MATH = re.compile(r"\$\$.*\$\$", re.S)  # a paragraph of display math: a math block in MyST, no message


class TranslationError(Exception):
    """A unit of prose has no translation: one sentence naming the chapter and the English text."""


def catalog_path(docname, root=ROOT):
    """locale/zh_CN/LC_MESSAGES/book/06_gpt.po for the page book/06_gpt (under root)."""
    return os.path.join(root, "locale", LANGUAGE, "LC_MESSAGES", docname + ".po")


def read_catalog(docname, root=ROOT):
    """{msgid: msgstr} of a page's catalog, without the empty and the fuzzy messages."""
    path = catalog_path(docname, root)
    if not os.path.isfile(path):
        raise TranslationError(f"{docname} has no Chinese catalog ({catalog_path(docname, '')}): "
                               f"translate the page first (see CONTRIBUTING, the Chinese edition).")
    with open(path, "rb") as f:
        messages = read_po(f)
    return {m.id: m.string for m in messages if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def normalized(text):
    """A unit's text as Sphinx writes its msgid: newlines made spaces, stripped."""
    return text.replace("\n", " ").strip()


class Translator:
    """Replaces each unit of a chapter's MyST Markdown by its translation from the chapter's catalog."""

    def __init__(self, chapter, root=ROOT):
        self.chapter = chapter
        self.catalog = read_catalog(os.path.splitext(chapter)[0], root)

    def unit(self, text):
        msgid = normalized(text)
        if msgid not in self.catalog:
            start = msgid if len(msgid) <= 60 else msgid[:60] + "..."
            raise TranslationError(f"{self.chapter} has no Chinese translation for the text {start!r}: translate "
                                   f"it in {catalog_path(os.path.splitext(self.chapter)[0], '')}.")
        return normalized(self.catalog[msgid])

    def optional(self, text):
        """A title, caption or alt text: its translation if the catalog has one, else the English."""
        msgid = normalized(text)
        return normalized(self.catalog[msgid]) if msgid and msgid in self.catalog else text

    def __call__(self, text):
        """The MyST `text` (no top-level fences: colab.parse_blocks splits them off) with every paragraph,
        heading and table cell translated; each translated unit on one line, its prefix ("- ", "> ", "## ")
        kept."""
        lines = text.split("\n")
        tokens = UNITS.parse(text)
        replaced = {}  # first line -> (line after the unit, new line)
        row, cells = None, []
        for i, token in enumerate(tokens):
            if token.type == "tr_open":
                row, cells = token.map, []
            elif token.type == "tr_close":
                replaced[row[0]] = (row[1], "| " + " | ".join(cells) + " |")
            elif token.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
                cells.append(self.unit(token.content) if token.content.strip() else "")
            elif token.type == "inline" and tokens[i - 1].type in ("paragraph_open", "heading_open"):
                if LABEL.fullmatch(token.content.strip()) or DISPLAY_MATH.fullmatch(token.content.strip()):
                    continue
                first, end = tokens[i - 1].map
                head = token.content.split("\n")[0]
                prefix = lines[first][:lines[first].index(head)]
                replaced[first] = (end, prefix + self.unit(token.content))
        out, number = [], 0
        while number < len(lines):
            if number in replaced:
                end, line = replaced[number]
                out.append(line)
                number = end
            else:
                out.append(lines[number])
                number += 1
        return "\n".join(out)


def note(chapter, source_url, page_url, english_url):
    """The first cell of a zh Colab notebook (colab.note_cell's English, in Chinese)."""
    return (f"> **《microgpt, the book》某一章的 Colab 版（中文）。** 它由 `tools/colab.py` 从 [`{chapter}`]({source_url}) "
            f"及其中文译文生成：要修改它，请编辑该章及其译文，而不是这个文件。网站上的本章：<{page_url}>；"
            f"英文版：<{english_url}>。\n>\n"
            "> 选择 *代码执行程序 → 全部运行*（*Runtime → Run all*）。第一个代码单元会载入前面各章的代码，"
            "名字数据在第一次运行时下载。解答保持折叠，除非你主动运行，否则不会执行。")
