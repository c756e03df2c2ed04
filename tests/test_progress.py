"""The reader's progress, kept in the browser only (book/_static/live/progress.js), in headless Chromium.

The built site is served under a sub-path with no network, as in tests/test_live.py (whose fixtures this file
uses). A reader opens chapters, reads one to the end, answers an exercise right with check() in live mode
(real Pyodide, self-hosted); the how-to-use page shows it after a reload, the landing page links to the chapter
opened last, a line marked with data-mg-chapter gets the class mg-done, and Forget my progress clears it all.
Without storage (a private window) and with a corrupt record, the pages still work, with no error in the
console. Screenshots of how-to-use and of the landing page go to test-artifacts/.
"""
import json
import os
import time

import pytest

from conftest import console_errors
from test_live import (ARTIFACTS, browser, check_requests, run_cell, server, set_code,  # noqa: F401
                       site, switch_on, wait_for)

pytestmark = pytest.mark.browser
KEY = "microgpt.progress"
EXERCISE = "ex-tok-predict"  # chapter 1's first predict exercise; its solution cell checks it


def visit(driver, url=None):
    """Open url (None: reload) and wait until its progress.js has run: under load, ChromeDriver's get() and
    refresh() sometimes return while the old page is still shown or the new one still loads."""
    url = url or driver.current_url
    driver.execute_script("window.mgOldPage = true")
    driver.get(url)
    wait_for(driver, f"!window.mgOldPage && location.href === {json.dumps(url)} && "
                     "document.readyState === 'complete' && window.MicrogptProgress", 60, f"{url} to load")


def stored(driver):
    text = driver.execute_script("return localStorage.getItem(arguments[0])", KEY)
    return json.loads(text) if text else None


def text(driver, name):
    """A sentence of progress.js's TEXT (a function is called with the rest of the arguments)."""
    return driver.execute_script("return window.MicrogptProgress.TEXT[arguments[0]]", name)


def progress_panel(driver):
    return driver.execute_script("""
      const marks = sel => [...document.querySelectorAll(sel)].map(a => [new URL(a.href).pathname.split('/').pop()
        + new URL(a.href).hash, a.nextElementSibling && a.nextElementSibling.classList.contains('mg-mark')
        ? a.nextElementSibling.textContent : '']);
      return {summary: document.querySelector('#mg-your-progress .mg-summary').textContent,
              chapters: Object.fromEntries(marks('table td:first-child a.reference.internal')),
              exercises: marks('a.reference.internal[href*="#ex-"]').filter(m => m[1])};""")


def answer_live(driver, i, code, timeout=240):
    set_code(driver, i, code)
    return run_cell(driver, i, timeout)


def test_progress_kept_in_browser(browser, server):
    base = server.base
    visit(browser, base + "book/intro.html")
    browser.execute_script("localStorage.clear()")
    console_errors(browser)  # from here on, none
    visit(browser)
    assert browser.execute_script("return document.getElementById('mg-continue').hidden"), "continue with no progress"
    visit(browser, base + "book/how_to_use.html")
    assert progress_panel(browser)["summary"] == text(browser, "nothing")

    # a chapter opened and read to the end (its last lines come into view)
    visit(browser, base + "book/02_bigram.html")
    assert stored(browser)["chapters"]["02_bigram"]["visited"] and not stored(browser)["chapters"]["02_bigram"].get(
        "read"), "read to the end as soon as it opened"
    browser.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    wait_for(browser, f"JSON.parse(localStorage.getItem('{KEY}')).chapters['02_bigram'].read", 10, "the end, read")

    # an exercise answered in live mode: the book's own check does not count, a wrong answer does not, a right
    # one does
    page = "book/01_tokenizing.html"
    switch_on(browser, base + page)
    specs = json.load(open(os.path.join(server.site, "_static", "live", page.replace(".html", ".json"))))
    i = next(k for k, spec in enumerate(specs) if f'assert check("{EXERCISE}"' in spec["source"])
    got = run_cell(browser, i, 240)
    assert "Right." in got["live"] and not stored(browser)["exercises"], "the book's own check counted"
    got = answer_live(browser, i, f'check("{EXERCISE}", "KeyError")')
    assert "Not yet." in got["live"] and not stored(browser)["exercises"], "a wrong answer counted"
    got = answer_live(browser, i, f'check("{EXERCISE}", "ValueError")')
    assert "Right." in got["live"]
    wait_for(browser, f"JSON.parse(localStorage.getItem('{KEY}')).exercises['{EXERCISE}']", 5,
             "the right answer kept")
    assert stored(browser)["exercises"][EXERCISE]["chapter"] == "01_tokenizing"

    visit(browser, base + "book/03_mlp.html")  # opened last, not read
    title = browser.execute_script("return document.querySelector('article h1').textContent")
    assert title.startswith("3. An MLP") and title.endswith("#"), title  # its number, its title, the link's #
    title = title[:-1].strip()

    # how-to-use, reloaded: all of it kept
    visit(browser, base + "book/how_to_use.html")
    visit(browser)
    panel = progress_panel(browser)
    summary = browser.execute_script("return window.MicrogptProgress.TEXT.summary(3, 13, 1, 1)")
    assert panel["summary"] == summary, panel
    assert len(panel["chapters"]) == 13, panel
    read, opened = text(browser, "read"), text(browser, "visited")
    assert {k.split("#")[0]: v for k, v in panel["chapters"].items() if v} == {
        "01_tokenizing.html": opened, "02_bigram.html": read, "03_mlp.html": opened}, panel
    assert panel["exercises"] == [[f"01_tokenizing.html#{EXERCISE}", text(browser, "answered")]] * 2, \
        "marked in the exercise index and the checkpoints"
    os.makedirs(ARTIFACTS, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(height + 100, 6000))  # the whole page: the table, the panel, the index
    try:
        time.sleep(0.5)
        assert browser.save_screenshot(os.path.join(ARTIFACTS, "progress-how-to-use.png"))
    finally:
        browser.set_window_size(1280, 1000)

    # the landing page: continue where you left off, at the chapter opened last
    visit(browser, base + "book/intro.html")
    link = browser.execute_script("const b = document.getElementById('mg-continue'), a = b.querySelector('a');"
                                  "return [b.hidden, a.href, a.textContent, getComputedStyle(b).display]")
    assert link == [False, base + "book/03_mlp.html", title, "block"], link
    assert browser.save_screenshot(os.path.join(ARTIFACTS, "progress-landing.png"))

    # a line of the code map, marked with its chapter: done once the chapter is read to the end
    marked = browser.execute_script("""
      for (const stem of ['02_bigram', '03_mlp']) {
        const line = document.createElement('div');
        line.dataset.mgChapter = stem;
        line.textContent = stem;
        document.querySelector('article').append(line);
      }
      window.MicrogptProgress.show();
      return [...document.querySelectorAll('[data-mg-chapter]')].map(e =>
        [e.dataset.mgChapter, e.classList.contains('mg-done'), getComputedStyle(e).boxShadow !== 'none']);""")
    assert marked == [["02_bigram", True, True], ["03_mlp", False, False]], marked

    # Forget my progress: gone now, and after a reload
    visit(browser, base + "book/how_to_use.html")
    browser.execute_script("document.querySelector('#mg-your-progress .mg-forget').click()")
    panel = progress_panel(browser)
    assert panel["summary"] == text(browser, "forgotten") and not panel["exercises"], panel
    assert not any(panel["chapters"].values()) and stored(browser) is None, panel
    visit(browser)
    assert progress_panel(browser)["summary"] == text(browser, "nothing")
    visit(browser, base + "book/intro.html")
    assert browser.execute_script("return document.getElementById('mg-continue').hidden")

    assert not console_errors(browser)
    check_requests(browser, server)


NO_STORAGE = """Object.defineProperty(window, 'localStorage', {get() {
  throw new DOMException("The user denied access to storage.", "SecurityError"); }});"""


def test_progress_without_storage(browser, server):
    """A private window whose storage throws, then a corrupt record: every page works, none logs an error of
    progress.js, and the next visit writes a fresh record."""
    base = server.base
    console_errors(browser)
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": NO_STORAGE})["identifier"]
    try:
        for page in ("book/02_bigram.html", "book/how_to_use.html", "book/intro.html"):
            visit(browser, base + page)
            browser.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
            time.sleep(0.3)
        assert browser.execute_script("return document.getElementById('mg-continue').hidden")
        visit(browser, base + "book/how_to_use.html")
        assert progress_panel(browser)["summary"] == text(browser, "noStorage")
        errors = console_errors(browser)
        assert not [e for e in errors if "progress.js" in e], errors
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script})

    for corrupt in ("{not json", "[1, 2]", '{"version": 1, "chapters": 5, "exercises": {}}', '{"version": 99}'):
        visit(browser, base + "book/intro.html")
        browser.execute_script("localStorage.setItem(arguments[0], arguments[1])", KEY, corrupt)
        visit(browser)
        assert browser.execute_script("return document.getElementById('mg-continue').hidden"), corrupt
        visit(browser, base + "book/how_to_use.html")
        assert progress_panel(browser)["summary"] == text(browser, "nothing"), corrupt
        visit(browser, base + "book/05_attention.html")
        record = stored(browser)
        assert record["version"] == 1 and list(record["chapters"]) == ["05_attention"], (corrupt, record)
    assert not console_errors(browser)
    browser.execute_script("localStorage.clear()")


def test_progress_speaks_chinese_on_the_chinese_site(browser, server):
    """On a page of the Chinese edition the panel, its button and the marks are in Chinese."""
    visit(browser, server.base + "zh/book/01_tokenizing.html")
    visit(browser, server.base + "zh/book/how_to_use.html")
    panel = browser.execute_script("return document.getElementById('mg-your-progress').textContent")
    assert "你打开过" in panel and "忘掉我的进度" in panel, panel
    assert "已打开" in browser.execute_script("return document.querySelector('article').textContent")
