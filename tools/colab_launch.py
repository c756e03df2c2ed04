"""colab_launch.py: a tiny Sphinx extension that points each chapter's Colab button at its Colab edition.

sphinx-book-theme makes the Colab launch button open the page's own source, book/NN_name.ipynb, which is
MyST for the website. Readers should get colab/NN_name.ipynb instead (written by tools/colab.py), and on the
Chinese website (language zh_CN) colab/zh/NN_name.ipynb. This runs after the theme has built its buttons
(priority 501) and replaces that one URL with colab_links.colab_url, the same function that writes the README's
lists of Colab links.
"""
import colab_links
from i18n import is_english


def point_colab_at_rendition(app, pagename, templatename, context, doctree):
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                config = colab_links.load_config(str(app.srcdir))
                language = None if is_english(app.config) else colab_links.ZH
                button["url"] = colab_links.colab_url(config, pagename + ".ipynb", language)


def setup(app):
    app.connect("html-page-context", point_colab_at_rendition, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
