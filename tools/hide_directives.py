"""hide_directives.py: a tiny Sphinx extension that keeps tangle's directive lines off the page.

A chapter's code cells may begin with `#| block NAME`, `#| export SCRIPT`, `#| setup` or `#| recap ...`
(see tools/tangle.py). They are bookkeeping for the tools, not code for the reader, so every code block the
book shows loses its leading `#| ` lines. The notebooks themselves keep them.
"""
from docutils import nodes

from chapter import strip_directives


def hide(app, doctree):
    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        if text.startswith("#| "):
            stripped = strip_directives(text)
            block.rawsource = stripped
            block.children = [nodes.Text(stripped)]


def setup(app):
    app.connect("doctree-read", hide)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
