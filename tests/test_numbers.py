"""Every number is computed: no number of three or more digits is typed into a chapter's prose.

Numbers in the prose come from the cells (`{glue:text}`); code (inline or fenced) is code, not a claim. What
is left must be a true constant in ALLOWED, with the reason it may be written by hand.
"""
import json
import os
import re

import pytest

from conftest import ROOT

ALLOWED = {
    r"\b(19|20)\d\d\b": "a year, as in a citation (Bengio et al., 2003)",
    r"SHA-256": "the name of a hash function",
    r"\b(117|124|345|355|774|1558)M\b": "a GPT-2 model's name (Radford et al., 2019; 117M and 345M as printed)",
    r"\b175B\b": "GPT-3's name (Brown et al., 2020)",
}
NUMBER = re.compile(r"(?<![\w.$])\d[\d,]*(?:\.\d+)?%?")


def pages():
    book = os.path.join(ROOT, "book")
    for name in sorted(os.listdir(book)):
        path = os.path.join(book, name)
        if name.endswith(".ipynb"):
            cells = json.load(open(path, encoding="utf-8"))["cells"]
            yield name, ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        elif name.endswith(".md"):
            yield name, [open(path, encoding="utf-8").read()]


def typed_numbers(text):
    """The numbers of three or more digits that the prose of `text` types in by hand."""
    text = re.sub(r"^```[\w-]*\n.*?^```", "", text, flags=re.S | re.M)   # fenced code (directives keep their prose)
    text = re.sub(r"^```\{.*$", "", text, flags=re.M)                 # a directive's first line
    text = re.sub(r"\{glue(?::\w+)?\}`[^`]*`", "", text)         # glued values
    text = re.sub(r"`[^`]*`", "", text)                          # inline code, roles' targets
    text = re.sub(r"\]\([^)]*\)|https?://\S+|^\(.*\)=$|^:\w+:.*$", "", text, flags=re.M)  # links, labels, options
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$", "", text, flags=re.S)  # math: symbols, not measurements
    for pattern in ALLOWED:
        text = re.sub(pattern, "", text)
    return [m.group(0) for m in NUMBER.finditer(text) if len(re.sub(r"\D", "", m.group(0).split(".")[0])) >= 3]


def test_the_scanner_finds_a_typed_number_and_passes_a_glued_one():
    assert typed_numbers("trained on 32,033 names for 1,000 steps") == ["32,033", "1,000"]
    assert typed_numbers("trained on {glue:text}`n_docs` names in `range(1000)` (Bengio et al., 2003)") == []


@pytest.mark.parametrize("page, cells", list(pages()), ids=[name for name, _ in pages()])
def test_no_number_is_typed_into_the_prose(page, cells):
    found = [(number, cell[:60]) for cell in cells for number in typed_numbers(cell)]
    assert not found, f"{page} types in {len(found)} numbers; glue them from a cell: {found[:8]}"
