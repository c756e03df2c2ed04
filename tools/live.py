"""live.py: a Sphinx extension that lets the reader run and edit the chapters in the browser ("Run live").

It adds book/_static/live/ (the page script, its Web Worker, the Python side, and progress.js, which keeps the
reader's progress in the browser) to the site, marks every chapter page, and when the build has finished it
writes into _build/html/_static/:

- pyodide/: the pinned Pyodide core (tools/pyodide.json, fetched and checked by tools/pyodide_fetch.py);
  without npm it is left out and the pages load the same files from the CDN, checked by the browser;
- live/config.json: where the runtime is and the hash of every file of it;
- live/<page>.json: each chapter's code cells in page order: the source without `#|` lines, whether the
  cell belongs to the setup (it runs first, by itself), whether it raises on purpose, what it imports;
- live/names.txt (the loader's file: $MICROGPT_DATA, else the cache) and live/microgpt.py (code/).

Everything it says is logged as information: the book builds with -W.
"""
import importlib.util
import json
import os
import re
import shutil

from sphinx.util import logging

import pyodide_fetch
from chapter import ROOT, cell_source, code_cells, is_glue_cell, is_setup, read_notebook, strip_directives, tags

logger = logging.getLogger(__name__)
NEEDS = {"numpy": re.compile(r"^\s*(import|from)\s+numpy\b|\bnp\.", re.M),
         "matplotlib": re.compile(r"^\s*(import|from)\s+matplotlib\b|\bplt\.", re.M)}


def chapter_needs(path):
    """The packages a chapter needs before its setup runs, from its notebook metadata ("microgpt":
    {"live_needs": ["numpy"]}): a chapter about numpy, or one whose results come from it."""
    return read_notebook(path).get("metadata", {}).get("microgpt", {}).get("live_needs", [])


def live_cells(path):
    """The code cells a chapter page shows, in order (cells tagged remove-cell are not on the page). A setup
    cell needs what its chapter declares: live mode loads that before it runs the setup."""
    cells = []
    for cell in code_cells(read_notebook(path)):
        if is_glue_cell(cell):
            continue  # glue calls only: the prose already shows their numbers
        source = strip_directives(cell_source(cell))
        cells.append({"source": source, "setup": is_setup(cell), "raises": "raises-exception" in tags(cell),
                      "input": not ({"remove-input", "hide-input"} & set(tags(cell))),
                      "needs": [name for name, pattern in NEEDS.items() if pattern.search(source)]})
        if is_setup(cell):
            cells[-1]["needs"] = chapter_needs(path)
    return cells


def names_file():
    """The data file the chapters read: the loader's own resolution ($MICROGPT_DATA, else the cache)."""
    spec = importlib.util.spec_from_file_location("microgpt_data", os.path.join(ROOT, "code", "data.py"))
    data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(data)
    data.load_docs()  # downloads into the cache if need be, or stops with the loader's own message
    return os.environ.get("MICROGPT_DATA") or data.cache_path()


def add_static_path(app, config):
    config.html_static_path.append(os.path.join(ROOT, "book", "_static", "live"))


def mark_chapters(app, pagename, templatename, context, doctree):
    if doctree is not None and str(app.env.doc2path(pagename)).endswith(".ipynb"):
        context["metatags"] = context.get("metatags", "") + f'\n<meta name="microgpt-live" content="{pagename}" />'


def drop_thebe(app, pagename, templatename, context, doctree):
    """Live mode replaces Thebe (launch_buttons.thebe is off), yet sphinx-thebe 0.3.1 adds its scripts to every
    page, twice: the second copy of `const THEBE_JS_URL = ...` threw a SyntaxError in every page's console."""
    def thebe(asset):
        return "thebe" in str(asset.filename or "") or "THEBE" in asset.attributes.get("body", "")
    context["script_files"] = [js for js in context["script_files"] if not thebe(js)]
    context["css_files"] = [css for css in context["css_files"] if not thebe(css)]


def write_live_files(app, exception):
    if exception is not None or app.builder.name != "html":  # (the single page that tools/pdf.py prints: no)
        return
    static = os.path.join(app.outdir, "_static")
    live = os.path.join(static, "live")
    os.makedirs(live, exist_ok=True)
    for docname in sorted(app.env.found_docs):
        path = str(app.env.doc2path(docname))
        if path.endswith(".ipynb"):
            os.makedirs(os.path.dirname(os.path.join(live, docname)), exist_ok=True)
            with open(os.path.join(live, docname + ".json"), "w", encoding="utf-8") as f:
                json.dump(live_cells(path), f)
    shutil.copyfile(names_file(), os.path.join(live, "names.txt"))
    shutil.copyfile(os.path.join(ROOT, "code", "microgpt.py"), os.path.join(live, "microgpt.py"))

    pin = pyodide_fetch.load_pin()
    try:
        pyodide_fetch.install(os.path.join(static, "pyodide"))
        local = True
    except pyodide_fetch.FetchError as e:
        logger.info(f"live code: {e}; the pages will load pyodide@{pin['version']} from {pin['cdn']}")
        shutil.rmtree(os.path.join(static, "pyodide"), ignore_errors=True)
        local = False
    config = {"version": pin["version"], "local": local, "cdn": pin["cdn"], "packages": pin["packages"],
              "sri": pin["files"]}
    with open(os.path.join(live, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=1)
    logger.info(f"live code: pyodide@{pin['version']} {'in _static/pyodide' if local else 'from the CDN'}")


def setup(app):
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", mark_chapters)
    app.connect("html-page-context", drop_thebe)
    app.connect("build-finished", write_live_files)
    app.add_js_file("live-i18n.js", defer="defer")  # the words in the page's language (the Chinese edition)
    app.add_js_file("live.js", defer="defer")
    app.add_js_file("playground.js", defer="defer")
    app.add_js_file("progress.js", defer="defer")
    app.add_css_file("live.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
