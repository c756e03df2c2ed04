"""pdf.py: the book as one PDF, _build/html/microgpt.pdf, published with the site (`make pdf`, run by `make book`).

As a script it prints Jupyter Book's single-page build (`jupyter-book build . --builder singlehtml`, which reuses
the site's jupyter-cache: no chapter runs again) with headless Chromium's Page.printToPDF: a title page with the
book's title, commit and date, a table of contents with page numbers (a first printing tells on which page each
chapter starts; the second prints them), the book with math typeset by the site's own MathJax, a page number at
the foot of every page and the chapters as the PDF's outline. Print CSS drops what only works on screen
(sidebars, buttons, search, live code, the playground's controls, the setup cells folded away on the website),
shows the exercises' solutions and wraps code instead of cutting it. Before it prints, it checks in the page:
every part and chapter of _toc.yml is there, MathJax has finished, every image has loaded, and nothing (code,
a table, an equation) is wider than the paper. Each refusal is one sentence; exit 2. Chromium may reach only
127.0.0.1: nothing waits on a network.

As a Sphinx extension (_config.yml) it lets the single-page build render (myst-nb's nodes have visitors for the
html builder only) and turns the theme's "print this page" entry of every page's download menu into a link to
the book's PDF.
"""
import base64
import datetime
import functools
import http.server
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading

import yaml

from i18n import is_english

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SINGLE = os.path.join(ROOT, "_build", "singlehtml")
SITE = os.path.join(ROOT, "_build", "html")
NAME = "microgpt.pdf"
PAPER = {"paperWidth": 8.27, "paperHeight": 11.69,  # A4, in inches; the margins leave 180 mm for the text
         "marginTop": 0.6, "marginBottom": 0.7, "marginLeft": 0.59, "marginRight": 0.59}
FOOTER = ('<div style="width: 100%; text-align: center; font-size: 10px; color: #444;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')

PRINT_CSS = """
.bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .bd-footer-article,
.bd-footer-content, .prev-next-area, #pst-back-to-top, .skip-link, .search-button, .headerlink, .copybtn, button,
.live-bar, .live-tools, .mg-box, details.hide.above-input, .toctree-wrapper > p.caption, noscript, #jb-print-docs-body
  { display: none !important; }
html, body { background: white !important; }
body { width: 180mm; margin: 0 !important; font-size: 10.5pt; }
.bd-page-width, .bd-container, .bd-container__inner, .bd-main, .bd-content, .bd-article-container, .bd-article
  { max-width: none !important; width: auto !important; padding: 0 !important; margin: 0 !important; }
pre, pre * { white-space: pre-wrap !important; overflow-wrap: anywhere; }
pre, div.highlight, .cell_output, .output, .pst-scrollable-table-container, mjx-container
  { overflow: visible !important; max-height: none !important; }
pre { font-size: 7.5pt !important; padding: 0.5em !important; }  /* a 100-character line fits */
figure, img, tr, .cell_input, .cell_output, mjx-container[display] { break-inside: avoid; }  /* the theme keeps
  a code block whole: its cell's box too, not an empty box at the foot of a page */
.mg-line-map, .mg-line-map div.highlight { break-inside: auto !important; display: block !important; }
  /* the line map runs over many pages (the theme keeps a highlight-* block whole) */
.mg-line-map .mg-line { break-inside: avoid; }
h1, h2, h3, h4, .admonition-title, .caption { break-after: avoid; }
h1, h2, h3, h4 { white-space: pre-wrap; }  /* else the outline loses the space where a title wraps */
span[id^="document-"] + section { break-before: page; }
#pdf-title { height: 240mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
.bd-article h1:first-of-type { display: block !important; }  /* the theme hides it for its own print title */
#pdf-title h1 { font-size: 30pt; margin-bottom: 2em; }
#pdf-contents { break-after: page; }
#pdf-contents ol { list-style: none; padding-left: 0; }
#pdf-contents li { display: flex; gap: 1em; margin: 0.2em 0 0.2em 1.5em; }
#pdf-contents li a { flex: 1; text-decoration: none; }
#pdf-contents .pdf-part { font-weight: bold; margin: 1em 0 0.3em; }
"""

# Runs in the single page: light theme, print CSS, solutions open, lazy images loaded, the title page and the
# contents; returns what it could not find.
PREPARE = """
const [css, title, author, stamp, parts, self] = arguments;
document.querySelectorAll('a[href^="' + self + '"]').forEach(a => {  // links within the book: within the PDF
  a.setAttribute('href', a.getAttribute('href').slice(self.length - 1));
});
document.documentElement.dataset.theme = 'light';
document.documentElement.dataset.mode = 'light';
const style = document.createElement('style');
style.textContent = css;
document.head.append(style);
document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
document.querySelectorAll('details:not(.hide)').forEach(e => { e.open = true; });
document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; });
const el = (tag, attrs, ...kids) => {
  const e = Object.assign(document.createElement(tag), attrs);
  e.append(...kids);
  return e;
};
const missing = [];
const list = el('ol', {});
for (const [caption, files] of parts) {
  if (caption) list.append(el('li', {className: 'pdf-part'}, caption));
  for (const file of files) {
    const heading = document.getElementById('document-' + file)?.nextElementSibling?.querySelector('h1, h2');
    if (!heading) { missing.push(file); continue; }
    const text = [...heading.childNodes].filter(n => !n.classList?.contains('headerlink'))
        .map(n => n.textContent).join('').trim();
    list.append(el('li', {}, el('a', {href: '#' + heading.parentElement.id}, text),
                   el('span', {className: 'pdf-page'})));
  }
}
const article = document.querySelector('article.bd-article') || document.body;
article.prepend(el('section', {id: 'pdf-title'}, el('h1', {}, title), el('p', {}, author), el('p', {}, stamp)),
                el('nav', {id: 'pdf-contents'}, el('h2', {}, 'Contents'), list));
return missing;
"""

WAIT = """
const done = arguments[arguments.length - 1];
const start = Date.now();
(function wait() {
  const images = [...document.images].filter(i => i.offsetParent !== null);
  if (Date.now() - start > 100000) return done('MathJax or the images did not finish in 100 s');
  if (!(window.MathJax && MathJax.startup && MathJax.startup.promise) && document.querySelector('.math')
      || !images.every(i => i.complete)) return setTimeout(wait, 200);
  const broken = images.filter(i => !i.naturalWidth).map(i => i.getAttribute('src'));
  if (broken.length) return done('images that do not load: ' + broken.slice(0, 3).join(', '));
  if (!window.MathJax) return done('');
  MathJax.startup.promise.then(() => {
    const raw = [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container'));
    done(raw.length ? 'math that MathJax left untypeset: ' + raw[0].textContent.slice(0, 40) : '');
  }, e => done('MathJax failed: ' + e));
})();
"""

# What would be cut at the paper's edge: anything wider than the text (180 mm).
TOO_WIDE = """
const right = document.body.getBoundingClientRect().right + 1;
const scrolls = e => e.matches('pre, table, .cell_output, mjx-container[display]') && e.scrollWidth > e.clientWidth + 1;
return [...document.querySelectorAll('pre, table, img, mjx-container, .cell_output')]
  .filter(e => e.offsetParent !== null && (scrolls(e) || e.getBoundingClientRect().right > right))
  .map(e => (e.closest('section[id]')?.id || '?') + ': ' + e.textContent.replace(/\\s+/g, ' ').trim().slice(0, 50));
"""


class PdfError(Exception):
    """A refusal, said in one sentence."""


# --- the Sphinx extension -------------------------------------------------------------------------------------

def share_html_visitors(app):
    """myst-nb registers the visitors of its nodes for the builder named html; singlehtml would fail on them."""
    if app.builder.name == "singlehtml":
        handlers = app.registry.translation_handlers
        for node, visitors in handlers.get("html", {}).items():
            handlers.setdefault("singlehtml", {}).setdefault(node, visitors)


def link_the_pdf(app, pagename, templatename, context, doctree):
    """The theme's ".pdf" entry prints the page (window.print); on the site it downloads the whole book."""
    if app.builder.name != "html":
        return
    english = is_english(app.config)
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("label") == "download-pdf-button":
                url = context["pathto"](NAME, 1) if english else "../" + context["pathto"](NAME, 1)
                button.update(type="link", url=url, text="the book (.pdf)" if english else "全书（英文 PDF）",
                              tooltip="The whole book as one PDF" if english else "整本书的 PDF（英文版）")
                button.pop("javascript", None)


def setup(app):
    app.connect("builder-inited", share_html_visitors)
    app.connect("html-page-context", link_the_pdf, priority=600)  # after the theme's buttons (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --- the printer ----------------------------------------------------------------------------------------------

def book():
    """The title, author, the root page and the parts of _toc.yml as (caption, [file, ...])."""
    config = yaml.safe_load(open(os.path.join(ROOT, "_config.yml"), encoding="utf-8"))
    toc = yaml.safe_load(open(os.path.join(ROOT, "_toc.yml"), encoding="utf-8"))
    parts = [(part.get("caption", ""), [c["file"] for c in part["chapters"]]) for part in toc["parts"]]
    return config["title"], config.get("author", ""), toc["root"], parts


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        raise PdfError("tools/pdf.py names the commit on the title page, but `git rev-parse --short HEAD` "
                       "failed here.") from None


class Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves _build/singlehtml, and the single page at /book.html: Sphinx writes it to book/intro.html with
    links relative to the folder above."""
    page = None

    def translate_path(self, path):
        return self.page if path.split("?")[0] == "/book.html" else super().translate_path(path)

    def log_message(self, *args):
        pass


def serve(page):
    handler = type("Handler", (Quiet,), {"page": page})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=SINGLE))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def browser(profile):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not (chromium and chromedriver):
        raise PdfError("The PDF is printed by headless Chromium, and chromium or chromedriver is not installed "
                       "(Debian: apt-get install chromium chromium-driver).")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # no network: a CDN fails at once
                "--window-size=1000,1000", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(120)
    return driver


def print_pdf(driver):
    result = driver.execute_cdp_cmd("Page.printToPDF", {
        **PAPER, "printBackground": True, "displayHeaderFooter": True, "headerTemplate": "<div></div>",
        "footerTemplate": FOOTER, "generateDocumentOutline": True, "generateTaggedPDF": True})
    return base64.b64decode(result["data"])


def chapter_pages(pdf, count):
    """The page (1-based) each link of the contents points to: its first count links, after the title page."""
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(pdf))
    index = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, 1)}
    found = []
    for page in reader.pages[1:4]:  # the title page, then the contents
        links = [a.get_object() for a in page.get("/Annots", [])]
        links = [a for a in links if a.get("/Subtype") == "/Link" and "/Dest" in a]
        for link in sorted(links, key=lambda a: -float(a["/Rect"][1])):  # top to bottom
            dest = link["/Dest"]  # [page /XYZ left top zoom], or the name of one
            dest = reader.named_destinations[str(dest)] if isinstance(dest, str) else dest
            found.append(index[dest.page.idnum] if hasattr(dest, "page") else index[dest[0].idnum])
    return found[:count]


def main():
    title, author, root, parts = book()
    page = os.path.join(SINGLE, root + ".html")
    if not os.path.isfile(page):
        raise PdfError(f"There is no single-page build to print ({os.path.relpath(page, ROOT)}): run "
                       "`jupyter-book build . --builder singlehtml` (or `make pdf`) first.")
    if not os.path.isdir(SITE):
        raise PdfError("The PDF goes into the site, and _build/html does not exist: run `make book` first.")
    stamp = f"Commit {commit()}, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d}"
    httpd, profile = serve(page), tempfile.mkdtemp(prefix="microgpt-pdf-")
    driver = browser(profile)
    try:
        driver.get(f"http://127.0.0.1:{httpd.server_address[1]}/book.html")
        missing = driver.execute_script(PREPARE, PRINT_CSS, title, author, stamp, parts, root + ".html#")
        if missing:
            raise PdfError(f"The single page has no chapter of {', '.join(missing)}: rebuild it with "
                           "`jupyter-book build . --builder singlehtml`.")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        problem = driver.execute_async_script(WAIT)
        if problem:
            raise PdfError(f"The single page is not ready to print: {problem}.")
        wide = driver.execute_script(TOO_WIDE)
        if wide:
            raise PdfError(f"{len(wide)} things are wider than the paper and would be cut, the first in {wide[0]}.")
        pdf = print_pdf(driver)
        count = sum(len(files) for _, files in parts)
        pages = chapter_pages(pdf, count)
        if len(pages) != count or pages != sorted(pages):
            raise PdfError(f"The contents' {count} links do not lead to {count} chapters in book order: {pages}.")
        driver.execute_script("document.querySelectorAll('.pdf-page').forEach((e, i) => "
                              "{ e.textContent = arguments[0][i]; })", pages)
        again = print_pdf(driver)
        if chapter_pages(again, count) != pages:  # the numbers moved a chapter: never seen, but they would lie
            raise PdfError("The chapters moved when the contents got their page numbers.")
    finally:
        driver.quit()
        httpd.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    with open(os.path.join(SITE, NAME), "wb") as f:
        f.write(again)
    print(f"{os.path.relpath(os.path.join(SITE, NAME), ROOT)}: {len(again) // 1024} KiB, the last chapter "
          f"starts on page {pages[-1]}")


if __name__ == "__main__":
    try:
        main()
    except PdfError as e:
        print(f"tools/pdf.py: {e}", file=sys.stderr)
        sys.exit(2)
