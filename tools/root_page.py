"""root_page.py: a tiny Sphinx extension for the site's root page, index.html.

Jupyter Book writes it as one line, a redirect to the book's first page. A browser that finds no icon link on
a page asks the server for /favicon.ico, which the site does not have (a 404 in the console, seen by
tests/test_site.py under load). The redirect page gets the book's icon link, so nothing asks for it.
"""
import os

ICON = '<link rel="icon" href="_static/{name}" />\n'


def add_icon(app, exception):
    path = os.path.join(app.outdir, "index.html")
    if exception is not None or app.builder.format != "html" or not app.config.html_favicon:
        return
    if not os.path.isfile(path):
        return
    text = open(path, encoding="utf-8").read()
    if "http-equiv=\"Refresh\"" in text and 'rel="icon"' not in text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(ICON.format(name=os.path.basename(app.config.html_favicon)) + text)


def setup(app):
    app.connect("build-finished", add_icon, priority=900)  # after Jupyter Book has written the redirect
    return {"parallel_read_safe": True, "parallel_write_safe": True}
