"""The website as a reader sees it: the built site, served on 127.0.0.1, opened page by page in headless Chromium.

Checks: no broken internal link or anchor, every image loads, math is rendered by MathJax (no raw `$...$`
left), every chapter shows a figure and the outputs of its code cells, every image in a chapter's text has alt
text and a caption, the search page finds things, and no page logs an error in the browser's console. And each
chapter page shows the idea, not the machinery: no tangle directive, no glue echo box, no code cell that scrolls
sideways in a 1400-pixel-wide window.
Screenshots of the landing page and of a chapter go to test-artifacts/.

The site comes from the `site` fixture of conftest.py: $MICROGPT_SITE, else _build/html (`make book`, or
pytest's --build-site). Marker: `browser`.
"""
import functools
import json
import http.server
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT, Chromium, console_errors
from chapter import chapter_notebooks

ARTIFACTS = os.path.join(ROOT, "test-artifacts")
RAW_MATH = re.compile(r"\$[^$\s][^$]*\$|\\\(|\\\[")  # $...$, \( or \[ left in the text = math not rendered

# Everything the browser can tell about a page, in one round trip.
PAGE_FACTS = """
const ids = [...document.querySelectorAll('[id]')].map(e => e.id)
    .concat([...document.querySelectorAll('a[name]')].map(e => e.name));
const loaded = img => img.complete && img.naturalWidth > 0;
const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
const prose = article.cloneNode(true);
prose.querySelectorAll('pre, code, script, style, mjx-container, .cell_output, .highlight, .math')
    .forEach(e => e.remove());
const outputs = [...article.querySelectorAll('.cell_output')];
const caption = img => (img.closest('figure')?.querySelector('figcaption')?.textContent || '').trim();
return {
  ids: ids,
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  images: [...document.querySelectorAll('img')].map(i => [i.currentSrc || i.src, loaded(i)]),
  figures: [...article.querySelectorAll('.cell_output img, figure img')].filter(loaded).length,
  // alt text that says nothing: none, or the image's file name or path (what some tools put there)
  no_alt: [...article.querySelectorAll('img')].filter(i => {
    const alt = (i.getAttribute('alt') || '').trim();
    return !alt || /^\\S+\\.(png|jpe?g|svg|gif|webp)$/i.test(alt) || (i.getAttribute('src') || '').endsWith(alt);
  }).map(i => i.src),
  no_caption: [...article.querySelectorAll('img')].filter(i => !caption(i)).map(i => i.src),
  math: [...article.querySelectorAll('.math')].map(m => [m.textContent.slice(0, 60), !!m.querySelector('mjx-container')]),
  prose: prose.textContent,
  code_cells: article.querySelectorAll('.cell .cell_input').length,
  visible_outputs: outputs.filter(o => o.textContent.trim() !== '' || o.querySelector('img')).length,
};
"""

WAIT_FOR_MATHJAX = """
const done = arguments[arguments.length - 1];
const start = Date.now();
(function wait() {  // MathJax's script loads async: under load it may start after the page's load event
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(() => done('ok'), e => done('error: ' + e));
  } else if (!document.querySelector('.math')) {
    done('no math');
  } else if (Date.now() - start > 15000) {
    done('MathJax did not load');
  } else {
    setTimeout(wait, 100);
  }
})();
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    """The site served over HTTP on 127.0.0.1 (a free port); yields its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=site))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def browser():
    """A fresh headless Chromium for each test (a crash in one test does not carry into the next)."""
    chromium = Chromium()
    yield chromium
    chromium.close()


def pages(site):
    """Every HTML page of the site, relative to it (not the theme's assets or the copied sources)."""
    found = []
    for folder, dirs, files in os.walk(site):
        dirs[:] = [d for d in dirs if not d.startswith(("_", "."))]
        found += [os.path.relpath(os.path.join(folder, f), site) for f in files if f.endswith(".html")]
    return sorted(found)


def open_page(browser, url):
    """Load url, let MathJax finish, scroll through it so every image loads; return the MathJax state and the
    page's facts (PAGE_FACTS)."""
    def read(driver):
        mathjax = driver.execute_async_script(WAIT_FOR_MATHJAX)
        driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
        deadline = time.time() + 10
        while time.time() < deadline and not driver.execute_script(
                "return [...document.images].every(i => i.complete)"):
            time.sleep(0.2)
        driver.execute_script("window.scrollTo(0, 0)")
        facts = driver.execute_script(PAGE_FACTS)
        facts["console"] = console_errors(driver)
        return mathjax, facts
    return browser.visit(url, read)


def fetch_status(url, cache={}):
    if url not in cache:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                cache[url] = (response.status, response.read())
        except urllib.error.HTTPError as e:
            cache[url] = (e.code, b"")
    return cache[url]


@pytest.mark.browser
def test_every_page_in_a_real_browser(browser, site, server):  # browser first: no Chromium, no site needed
    problems = []
    facts = {}
    chapters = {os.path.splitext(p)[0] + ".html" for p in chapter_notebooks()}
    all_pages = pages(site)
    assert chapters <= set(all_pages), f"chapters missing from the site: {chapters - set(all_pages)}"

    for page in all_pages:
        mathjax, f = open_page(browser, server + page)
        facts[page] = f
        if mathjax not in ("ok", "no math"):
            problems.append(f"{page}: {mathjax}")
        if f["console"]:
            problems.append(f"{page}: errors in the browser's console: {f['console'][:3]}")
        unrendered = [text for text, rendered in f["math"] if not rendered]
        if unrendered:
            problems.append(f"{page}: math not rendered: {unrendered[:3]}")
        raw = RAW_MATH.findall(f["prose"])
        if raw:
            problems.append(f"{page}: raw math left in the text: {raw[:3]}")
        broken = [src for src, ok in f["images"] if not ok]
        if broken:
            problems.append(f"{page}: images that do not load: {broken[:5]}")
        if page in chapters:
            if f["figures"] < 1:
                problems.append(f"{page}: a chapter without a figure")
            if f["no_alt"]:
                problems.append(f"{page}: images without alt text (or with only a file name as alt): {f['no_alt'][:5]}")
            if f["no_caption"]:
                problems.append(f"{page}: images without a caption: {f['no_caption'][:5]}")
            if f["code_cells"] < 1 or f["visible_outputs"] < 1:
                problems.append(f"{page}: code cells {f['code_cells']}, outputs shown {f['visible_outputs']}")

    # Internal links: the page exists, and so does the anchor.
    ids = {server + page: set(f["ids"]) for page, f in facts.items()}
    for page, f in facts.items():
        for link in sorted(set(f["links"])):
            if not link.startswith(server):
                continue  # GitHub, Colab, ...: not ours to check offline
            target, _, anchor = link.partition("#")
            target = target.split("?")[0]
            if target.endswith("/"):
                target += "index.html"
            if target not in ids:
                status, body = fetch_status(target)
                if status != 200:
                    problems.append(f"{page}: broken link {link} (HTTP {status})")
                    continue
                ids[target] = set(re.findall(r'\bid="([^"]+)"', body.decode("utf-8", "replace")))
            if anchor and urllib.parse.unquote(anchor) not in ids[target]:
                problems.append(f"{page}: link to a missing anchor {link}")

    # Search: the page runs Sphinx's search and lists results.
    browser.visit(server + "search.html?q=attention", lambda driver: None)
    deadline = time.time() + 30
    results = []
    while time.time() < deadline and not results:
        time.sleep(0.5)
        results = browser.driver.execute_script(
            "return [...document.querySelectorAll('#search-results li a')].map(a => a.href)")
    if not results:
        problems.append("search.html?q=attention shows no results")
    elif not any("attention" in r for r in results):
        problems.append(f"searching 'attention' does not find the attention chapter: {results[:5]}")

    # Screenshots for people: the landing page and the last chapter, each as a first-time visitor sees it.
    os.makedirs(ARTIFACTS, exist_ok=True)
    for name, page in (("landing.png", "index.html"), ("chapter.png", sorted(chapters)[-1])):
        browser.driver.execute_script("sessionStorage.clear(); localStorage.clear()")  # forget the sidebar's scroll
        browser.visit(server + page, lambda driver: driver.execute_async_script(WAIT_FOR_MATHJAX))
        browser.driver.execute_script("document.querySelectorAll('.bd-sidebar-primary, .bd-sidebar-primary *')"
                                      ".forEach(e => { e.scrollTop = 0; })")  # the theme scrolls to the current page
        time.sleep(0.5)
        assert browser.driver.save_screenshot(os.path.join(ARTIFACTS, name)), name

    assert sum(len(f["math"]) for f in facts.values()) > 0, "no page has math: is the math check still working?"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_how_to_use_covers_every_chapter():
    """The onboarding page has a time estimate and an exercise link for every chapter of _toc.yml."""
    text = open(os.path.join(ROOT, "book", "how_to_use.md"), encoding="utf-8").read()
    for path in chapter_notebooks():
        stem = os.path.splitext(os.path.basename(path))[0]
        first = open(os.path.join(ROOT, path), encoding="utf-8").read()
        label = re.search(r"\((ch-[\w-]+)\)=", first).group(1)
        assert f"{{ref}}`{label}` | {{{{ read_{stem} }}}} | {{{{ exercises_{stem} }}}} |" in text, stem
        assert f'{{ref}}`{label}`: <a href="{stem}.html#exercises">' in text, stem


MACHINERY = """
const pres = [...document.querySelectorAll('div.cell pre')].filter(p => p.offsetParent !== null);
return {
  directives: pres.filter(p => p.textContent.split('\\n').some(l => l.startsWith('#|')))
                  .map(p => p.textContent.slice(0, 60)),
  scrolling: pres.filter(p => p.scrollWidth > p.clientWidth + 1)
                 .map(p => p.textContent.split('\\n').reduce((a, b) => a.length > b.length ? a : b).slice(0, 100)),
  outputs: [...document.querySelectorAll('div.cell_output')].map(o => o.textContent.trim()),
  folds: [...document.querySelectorAll('div.cell details summary .collapsed')].map(s => s.textContent.trim()),
};
"""


def glued_reprs(site, page):
    """The text/plain of every value a chapter glued: what a glue echo box would show."""
    path = os.path.join(os.path.dirname(site), "jupyter_execute", os.path.splitext(page)[0] + ".glue.json")
    if not os.path.isfile(path):
        return set()
    values = json.load(open(path, encoding="utf-8")).values()
    return {"".join(v["data"]["text/plain"]).strip() for v in values if "text/plain" in v["data"]}


def machinery(driver):
    """MACHINERY's reading of the page, once its folds are there: once, under load in CI, the first chapter's page
    was read with no fold at all, though its HTML has them (it passed when run again)."""
    deadline = time.monotonic() + 10
    found = driver.execute_script(MACHINERY)
    while not found["folds"] and time.monotonic() < deadline:
        time.sleep(0.25)
        found = driver.execute_script(MACHINERY)
    return found


@pytest.mark.browser
def test_chapter_pages_show_the_idea_not_the_machinery(browser, site, server):
    """At a 1400-pixel-wide window: no `#|` directive, no glue echo box, no code cell scrolling sideways; the
    setup fold says what it holds, and no fold says only "Show code cell source"."""
    browser.resize(1400, 1000)
    problems = []
    for path in chapter_notebooks():
        page = os.path.splitext(path)[0] + ".html"
        f = browser.visit(server + page, machinery)
        if f["directives"]:
            problems.append(f"{page}: tangle directives shown: {f['directives'][:3]}")
        echoes = [o for o in f["outputs"] if o in glued_reprs(site, page) and o.startswith("'")]
        if echoes:
            problems.append(f"{page}: glue echo outputs shown: {echoes[:5]}")
        if not f["folds"] or "earlier chapters" not in f["folds"][0] and "setup" not in f["folds"][0]:
            problems.append(f"{page}: the first folded cell is not labelled as the setup: {f['folds'][:1]}")
        generic = [fold for fold in f["folds"] if fold.startswith("Show code cell")]
        if generic:
            problems.append(f"{page}: {len(generic)} folded cells say only {generic[0]!r}")
        if f["scrolling"]:
            problems.append(f"{page}: {len(f['scrolling'])} code cells scroll sideways: {f['scrolling'][:3]}")
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_a_crashed_tab_gets_one_more_try_in_a_new_browser(browser, server):
    """Chromium.visit: after one crash of the tab (chrome://crash) the page loads in a new browser; a page that
    crashes the tab twice fails the test and names the page."""
    url = server + "book/intro.html"
    tries = []

    def crash_once(driver):
        tries.append(driver)
        if len(tries) == 1:
            driver.get("chrome://crash")
        return driver.execute_script("return location.href")

    assert browser.visit(url, crash_once) == url
    assert browser.crashes == [url] and tries[0] is not tries[1]
    with pytest.raises(pytest.fail.Exception, match="crashed twice on chrome://crash"):
        browser.visit("chrome://crash", lambda driver: None)
    browser.crashes.clear()  # the crashes were on purpose: no warning



def test_the_root_redirect_links_the_icon(site):
    """The root index.html is Jupyter Book's one-line redirect; without an icon link a browser asks for
    /favicon.ico, which the site lacks (a console error). tools/root_page.py adds the link."""
    text = open(os.path.join(site, "index.html"), encoding="utf-8").read()
    assert 'http-equiv="Refresh"' in text and '<link rel="icon" href="_static/favicon.png" />' in text, text
