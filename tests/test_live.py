"""Live mode and the playground, in headless Chromium, against the built site served under a sub-path.

The site is served at http://127.0.0.1:PORT/microgpt/ (as GitHub Pages serves a project site), and the browser
has no network: no host name but 127.0.0.1 resolves. Every request the pages make, their Web Workers'
included, is recorded through Chromium's DevTools protocol, and all of them must go to the test server,
under the sub-path. On two chapters the test switches live mode on, runs three cells and compares what they print with
the build's output, edits a cell, and stops a run that would never end. On the playground it trains with the
original run's settings and compares the first 20 losses with the reference trace, then looks inside a
trained model. Then what can go wrong for a reader: a cell fixed after an error, a package the CDN cannot
give (no network), the keyboard alone, a phone's narrow screen, and several pages visited in turn (the browser
must hold one Python at most). Screenshots go to test-artifacts/.

It needs a built site: $MICROGPT_SITE, else _build/html (`make book`).
"""
import functools
import http.server
import json
import os
import re
import threading
import time
import urllib.request

import pytest

from conftest import ROOT, headless_chromium

ARTIFACTS = os.path.join(ROOT, "test-artifacts")
REFERENCE = os.path.join(ROOT, "tests", "fixtures", "microgpt-reference-run.txt")  # the original's output
PREFIX = "/microgpt/"
CHAPTERS = ["book/01_tokenizing.html", "book/04_autograd.html"]  # quick cells that print

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site():
    folder = os.path.join(ROOT, os.environ.get("MICROGPT_SITE") or os.path.join("_build", "html"))
    if not os.path.isfile(os.path.join(folder, "index.html")):
        pytest.skip(f"no built site in {folder}: run `make book` (or set MICROGPT_SITE)")
    config = os.path.join(folder, "_static", "live", "config.json")
    assert os.path.isfile(config), f"{folder} was built without tools/live.py: rebuild it with `make book`"
    assert json.load(open(config))["local"], f"{folder} was built without npm, so without the self-hosted " \
        "Pyodide these tests need (offline): install npm and run `make book` again"
    return folder


class SubPath(http.server.SimpleHTTPRequestHandler):
    """Serves the site under PREFIX only (as GitHub Pages serves a project site); remembers every path.

    A test may replace the site's live/config.json (server.config), to send the pages to a stand-in CDN."""
    requested = []

    def do_GET(self):
        config = getattr(self.server, "config", None)
        if config and self.path.split("?")[0] == PREFIX + "_static/live/config.json":
            self.requested.append(self.path)
            body = json.dumps(config).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        return super().do_GET()

    def translate_path(self, path):
        self.requested.append(path)
        if not path.startswith(PREFIX):
            return os.path.join(self.directory, "no such file: outside the sub-path")
        return super().translate_path(path[len(PREFIX) - 1:])

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = type("Handler", (SubPath,), {"requested": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=site))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    httpd.requested = handler.requested
    httpd.site = site
    yield httpd
    httpd.shutdown()
    httpd.server_close()


class RequestRecorder:
    """Every request that a page or one of its Web Workers makes, read from Chromium's DevTools protocol.

    It attaches to every page (and, through them, to every worker, which waits until it is watched) and
    records Network.requestWillBeSent: what the pages ask for, not the browser's own background traffic."""

    def __init__(self, debugger_address):
        import websocket
        with urllib.request.urlopen(f"http://{debugger_address}/json/version", timeout=10) as response:
            url = json.load(response)["webSocketDebuggerUrl"]
        self.ws = websocket.create_connection(url, suppress_origin=True, timeout=30)
        self.ws.settimeout(None)  # the reader waits as long as the browser is quiet
        self.urls, self.next_id, self.lock, self.answers = [], 0, threading.Lock(), {}
        threading.Thread(target=self.read, daemon=True).start()
        self.send("Target.setDiscoverTargets", {"discover": True})
        for target in self.send("Target.getTargets", wait=True)["targetInfos"]:
            if target["type"] == "page":
                self.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, wait=True)
        time.sleep(0.5)  # let the attached pages enable their Network domain

    def send(self, method, params=None, session=None, wait=False):
        with self.lock:
            self.next_id += 1
            message = {"id": self.next_id, "method": method, "params": params or {}}
            if session:
                message["sessionId"] = session
            event = self.answers[self.next_id] = threading.Event()
            self.ws.send(json.dumps(message))
        if wait:
            assert event.wait(10), f"DevTools did not answer {method}"
            return event.result

    def read(self):
        while True:
            try:
                message = json.loads(self.ws.recv())
            except Exception:
                return  # the browser has gone
            if "id" in message:
                event = self.answers.pop(message["id"], None)
                if event:
                    event.result = message.get("result", {})
                    event.set()
                continue
            method, params, session = message["method"], message.get("params", {}), message.get("sessionId")
            if method == "Target.targetCreated" and params["targetInfo"]["type"] == "page":
                self.send("Target.attachToTarget", {"targetId": params["targetInfo"]["targetId"], "flatten": True})
            elif method == "Target.attachedToTarget":
                child = params["sessionId"]
                self.send("Network.enable", session=child)
                self.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True,
                                                   "flatten": True}, session=child)
                self.send("Runtime.runIfWaitingForDebugger", session=child)
            elif method == "Network.requestWillBeSent":
                self.urls.append(params["request"]["url"])

    def close(self):
        self.ws.close()


NO_NETWORK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"  # none but the test server


@pytest.fixture(scope="module")
def browser():
    with headless_chromium(NO_NETWORK) as driver:
        driver.recorder = RequestRecorder(driver.capabilities["goog:chromeOptions"]["debuggerAddress"])
        driver.get("about:blank")
        time.sleep(0.5)
        driver.recorder.urls.clear()  # the browser's own start page: not the site's
        yield driver
        driver.recorder.close()


def wait_for(driver, script, timeout, what):
    """Poll a JavaScript expression until it is truthy; return its value."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script("return " + script)
        if value:
            return value
        time.sleep(0.2)
    status = driver.execute_script("const s = document.querySelector('.live-status, .mg-status'); "
                                   "return s ? s.textContent : ''")
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (status: {status!r})")


def clean(text):
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


# What the test needs of a chapter's cells, read from the page in one round trip.
CELLS = r"""
return [...document.querySelectorAll('div.cell')].map((cell, i) => {
  const built = cell.querySelector('.cell_output');
  return {index: i, editable: !!cell.querySelector('textarea.live-editor'),
          built: built ? [...built.querySelectorAll('pre')].map(p => p.textContent).join('\n') : null,
          image: !!(built && built.querySelector('img')),
          live: cell.querySelector('.live-text').textContent,
          label: (cell.querySelector('.live-state') || {}).textContent || ''};
});
"""


def cell(driver, i):
    return driver.execute_script(CELLS)[i]


def run_cell(driver, i, timeout=60):
    """Press the cell's Run button; wait until that run has finished, and return the cell."""
    runs = driver.execute_script("const c = document.querySelectorAll('div.cell')[arguments[0]];"
                                 "c.querySelector('.live-run').click(); return Number(c.dataset.liveRuns || 0)", i)
    wait_for(driver, f"Number(document.querySelectorAll('div.cell')[{i}].dataset.liveRuns || 0) > {runs}", timeout,
             f"cell {i + 1} to run")
    got = cell(driver, i)
    assert got["label"].startswith("ran in"), got
    return got


def set_code(driver, i, code):
    driver.execute_script("const e = document.querySelectorAll('div.cell')[arguments[0]].querySelector('textarea');"
                          "e.value = arguments[1]; e.dispatchEvent(new Event('input'));", i, code)


def switch_on(driver, url):
    driver.get(url)
    driver.execute_script("document.querySelector('.live-toggle').click()")
    wait_for(driver, "document.querySelector('.live-status').dataset.kind === 'ready'", 240,
             "Python to start and run the setup cell")


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_runs_live(browser, server, page):
    switch_on(browser, server.base + page)
    specs = json.load(open(os.path.join(server.site, "_static", "live", page.replace(".html", ".json"))))
    cells = browser.execute_script(CELLS)
    assert len(cells) == len(specs)
    # the first three editable cells that print text (no figure), need nothing the core runtime lacks, and
    # do not raise on purpose
    chosen = [c["index"] for c in cells if c["editable"] and c["built"] and c["built"].strip() and not c["image"]
              and not specs[c["index"]]["needs"] and not specs[c["index"]]["raises"]
              and not specs[c["index"]]["setup"]][:3]
    assert len(chosen) == 3, f"{page}: fewer than three cells to compare: {chosen}"
    for i in chosen:
        got = run_cell(browser, i)
        assert clean(got["live"]) == clean(got["built"]), f"{page}, cell {i + 1}: live output differs from the build's"

    # an edited cell shows its new output
    first = chosen[0]
    set_code(browser, first, specs[first]["source"] + '\nprint("edited:", 6 * 7)')
    got = run_cell(browser, first)
    assert clean(got["live"]) == clean(got["built"]) + "\nedited: 42"

    if page == CHAPTERS[0]:
        os.makedirs(ARTIFACTS, exist_ok=True)
        browser.execute_script("document.querySelectorAll('div.cell')[arguments[0]].scrollIntoView()", chosen[1])
        browser.execute_script("window.scrollBy(0, -160)")
        time.sleep(0.3)
        assert browser.save_screenshot(os.path.join(ARTIFACTS, "live-chapter.png"))

        # Stop ends a run that never ends within 2 s, and the next run works (in a fresh interpreter)
        last = chosen[-1]
        set_code(browser, last, "while True:\n    pass")
        browser.execute_script("document.querySelectorAll('div.cell')[arguments[0]].querySelector('.live-run').click()",
                               last)
        wait_for(browser, f"document.querySelectorAll('div.cell')[{last}].classList.contains('live-running')", 30,
                 "the endless cell to start")
        time.sleep(1)
        assert "running" in cell(browser, last)["label"]
        started = time.time()
        browser.execute_script("document.querySelector('.live-stop').click()")
        wait_for(browser, f"document.querySelectorAll('div.cell')[{last}].querySelector('.live-stopped')", 2,
                 "the stopped run to say so")
        assert time.time() - started < 2
        assert not browser.execute_script(
            f"return document.querySelectorAll('div.cell')[{last}].classList.contains('live-running')")
        assert [cell(browser, i)["label"] for i in chosen] == ["", "", "stopped"], "what ran is gone: it must run again"
        set_code(browser, first, specs[first]["source"])
        got = run_cell(browser, first, timeout=240)
        assert clean(got["live"]) == clean(got["built"]), "the run after Stop"

    if page == CHAPTERS[1]:
        # a long training cell says which step it is at, as it goes (live_kernel wraps the book's loops)
        set_code(browser, first, "losses = train_mlp(init_mlp(vocab_size), make_examples(train_docs[:300], uchars), "
                                 "num_steps=4000)")
        browser.execute_script("document.querySelectorAll('div.cell')[arguments[0]].querySelector('.live-run').click()",
                               first)
        wait_for(browser, f"/step [0-9]+ [/] 4000/.test(document.querySelectorAll('div.cell')[{first}]"
                          ".querySelector('.live-state').textContent)", 120, "the training cell's step count")
        wait_for(browser, f"/^ran in/.test(document.querySelectorAll('div.cell')[{first}]"
                          ".querySelector('.live-state').textContent)", 240, "the training cell to finish")

    check_requests(browser, server)


def python_workers(browser, expected):
    """Wait until the browser holds `expected` Python workers, counted on every page it keeps (the pages of its
    back/forward cache included), through the DevTools protocol; return how many it holds."""
    deadline = time.time() + 10
    while True:
        targets = browser.recorder.send("Target.getTargets", wait=True)["targetInfos"]
        count = len([t for t in targets if t["type"] == "worker" and "live-worker" in t["url"]])
        if count == expected or time.time() > deadline:
            return count
        time.sleep(0.2)


SIDEWAYS = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_narrow_screen(browser, server):
    """On a phone (360 and 400 pixels wide), no page scrolls sideways in live mode, nor the playground (its
    table of probabilities shrinks to fit, without a scrollbar of its own); an editor with a long line shows every line; the bar that stays at the top
    is short; the running cell's spinner is drawn, not an emoji. Screenshots go to test-artifacts/."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page = CHAPTERS[0]
    specs = json.load(open(os.path.join(server.site, "_static", "live", page.replace(".html", ".json"))))
    try:
        for width in (360, 400):
            browser.set_window_size(width, 800)
            for chapter in (page, "book/07_optimization.html", "book/11_microgpt.html"):  # wide equation, long path
                switch_on(browser, server.base + chapter)
                assert browser.execute_script(SIDEWAYS) <= 0, f"{chapter} scrolls sideways at {width} px"
        browser.set_window_size(360, 800)
        switch_on(browser, server.base + page)
        cells = browser.execute_script(CELLS)
        a = next(c["index"] for c in cells if c["editable"] and specs[c["index"]]["input"] and c["built"]
                 and c["built"].strip() and not specs[c["index"]]["needs"])
        b = next(c["index"] for c in cells[a + 1:] if c["editable"] and specs[c["index"]]["input"])
        set_code(browser, a, specs[a]["source"] + "\nlong = '" + "a long line " * 12 + "'\nprint(len(long))")
        got = run_cell(browser, a)
        assert clean(got["live"]) == clean(got["built"]) + "\n144"
        editor = browser.execute_script("const e = document.querySelectorAll('div.cell')[arguments[0]]"
                                        ".querySelector('textarea'); return [e.scrollHeight, e.clientHeight, "
                                        "e.scrollWidth, e.clientWidth]", a)
        assert editor[0] <= editor[1], f"the editor hides a line: {editor}"
        assert editor[2] > editor[3], f"the long line should scroll sideways in the editor: {editor}"
        assert browser.execute_script(SIDEWAYS) <= 0
        set_code(browser, b, "while True:\n    pass")
        click(browser, b, ".live-run")
        wait_for(browser, f"document.querySelectorAll('div.cell')[{b}].classList.contains('live-running')", 30,
                 "the endless cell to start")
        spinner = browser.execute_script("const s = getComputedStyle(document.querySelectorAll('div.cell')"
                                         "[arguments[0]].querySelector('.live-state'), '::before');"
                                         "return [s.content, s.animationName]", b)
        assert spinner == ['""', "live-spin"], spinner
        browser.execute_script("document.querySelectorAll('div.cell')[arguments[0]].scrollIntoView();"
                               "window.scrollBy(0, -180)", a)
        time.sleep(0.5)
        bar, gap = browser.execute_script("const r = document.querySelector('.live-bar').getBoundingClientRect();"
                                          "return [r.height, r.top - document.querySelector('.bd-header-article')"
                                          ".getBoundingClientRect().bottom]")
        assert bar <= 80, f"the bar at the top takes {bar} px of a phone's screen"
        assert abs(gap) <= 1, f"the bar sticks {gap} px below the theme's header"
        assert browser.save_screenshot(os.path.join(ARTIFACTS, "live-360-chapter.png"))
        browser.execute_script("document.querySelector('.live-stop').click()")
        wait_for(browser, "document.querySelector('.live-status').dataset.kind === 'ready'", 240, "Python again")

        browser.get(server.base + "book/playground.html")
        browser.execute_script("document.getElementById('mg-steps').value = '10';"
                               "document.getElementById('mg-train-button').click()")
        wait_for(browser, "document.getElementById('mg-inside-view').dataset.steps === '10'", 240, "the look inside")
        assert browser.execute_script(SIDEWAYS) <= 0, "the playground scrolls sideways"
        table = browser.execute_script("const t = document.querySelector('table.mg-probs'), box = t.parentNode;"
                                       "return [box.scrollWidth, t.offsetWidth, box.clientWidth]")
        assert table[1] <= table[2] and table[0] <= table[2], f"the table of probabilities does not fit: {table}"
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(360, min(height + 100, 6000))
        time.sleep(0.5)
        assert browser.save_screenshot(os.path.join(ARTIFACTS, "playground-360.png"))
    finally:
        browser.set_window_size(1280, 1000)


def test_one_python_at_a_time(browser, server):
    """A page the reader leaves ends its Python (the browser may keep the page, frozen, and its worker with it):
    over five pages, with live mode on in some and the playground started, the browser holds one at most, and
    a chapter that comes back from the back/forward cache starts a fresh one."""
    for page, start in (("book/01_tokenizing.html", True), ("book/02_bigram.html", False),
                        ("book/playground.html", True), ("book/03_mlp.html", True), ("book/04_autograd.html", True),
                        ("book/intro.html", False)):
        if start and "playground" in page:
            browser.get(server.base + page)
            browser.execute_script("document.getElementById('mg-steps')"
                                   ".dispatchEvent(new Event('focusin', {bubbles: true}))")
            wait_for(browser, "document.getElementById('mg-status').dataset.kind === 'ready'", 240, "Python to start")
        elif start:
            switch_on(browser, server.base + page)
        else:
            browser.get(server.base + page)
        assert python_workers(browser, int(start)) == int(start), f"on {page}"
    browser.back()
    if browser.execute_script("return document.body.classList.contains('live-on')"):  # from the back/forward cache
        wait_for(browser, "document.querySelector('.live-status').dataset.kind === 'ready'", 240,
                 "Python to start again")
        status = browser.execute_script("return document.querySelector('.live-status').textContent")
        assert status.startswith("Back on this page: Python restarted."), status
        assert python_workers(browser, 1) == 1
        assert run_cell(browser, [c["index"] for c in browser.execute_script(CELLS) if c["editable"]][0])
    check_requests(browser, server)


def check_requests(browser, server):
    """Every request went to the test server, under the sub-path; the runtime came from the site itself."""
    urls = browser.recorder.urls
    outside = [url for url in urls if not url.startswith((server.base, "data:", "blob:"))]
    assert not outside, f"requests outside {server.base}: {outside[:10]}"
    assert any(url.endswith("/_static/pyodide/pyodide.asm.wasm") for url in urls), "the worker's requests are missing"
    assert all(path.startswith(PREFIX) for path in server.requested), \
        f"requests outside the sub-path: {[p for p in server.requested if not p.startswith(PREFIX)][:10]}"


def click(driver, i, selector):
    driver.execute_script("document.querySelectorAll('div.cell')[arguments[0]].querySelector(arguments[1]).click()",
                          i, selector)


def test_fixed_cell_runs_again(browser, server):
    """A cell made to raise stops the run of a cell below it; once fixed, running the cell below runs it again."""
    page = CHAPTERS[0]
    switch_on(browser, server.base + page)
    specs = json.load(open(os.path.join(server.site, "_static", "live", page.replace(".html", ".json"))))
    above, below = [c["index"] for c in browser.execute_script(CELLS) if c["editable"] and c["built"]
                    and c["built"].strip() and not c["image"] and not specs[c["index"]]["needs"]
                    and not specs[c["index"]]["raises"]][:2]
    set_code(browser, above, "raise ValueError('broken on purpose')")
    click(browser, below, ".live-run")
    wait_for(browser, f"document.querySelectorAll('div.cell')[{below}].querySelector('.live-state').textContent"
                      " === 'not run'", 60, "the cell below to say it did not run")
    assert cell(browser, above)["label"].startswith("error"), cell(browser, above)
    assert f"Not run: cell {above + 1} above it stopped with an error." in browser.execute_script(
        "return document.querySelectorAll('div.cell')[arguments[0]].querySelector('.live-notes').textContent", below)
    set_code(browser, above, specs[above]["source"])
    assert cell(browser, above)["label"].startswith("edited since the error")
    got = run_cell(browser, below)
    assert clean(got["live"]) == clean(got["built"])
    fixed = cell(browser, above)
    assert fixed["label"].startswith("ran in") and clean(fixed["live"]) == clean(fixed["built"]), fixed
    assert not browser.execute_script(
        "return document.querySelectorAll('div.cell')[arguments[0]].querySelector('.live-notes').textContent", below)


def active(driver):
    return driver.execute_script("const a = document.activeElement;"
                                 "return a.getAttribute('aria-label') || a.textContent.trim().slice(0, 40)")


def test_keyboard_only(browser, server):
    """A chapter in live mode, with the keyboard alone: Tab indents in a cell, Esc leaves it, Tab then reaches
    its Run button (Enter runs the cell) and goes on to the next cell's code; Shift+Enter runs a cell. Every
    control has a name in words, and the status is read out by screen readers (aria-live)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    def keys(*sequence):
        ActionChains(browser).send_keys(*sequence).perform()

    page = CHAPTERS[0]
    switch_on(browser, server.base + page)
    specs = json.load(open(os.path.join(server.site, "_static", "live", page.replace(".html", ".json"))))
    a, b = [c["index"] for c in browser.execute_script(CELLS) if c["editable"] and specs[c["index"]]["input"]][:2]
    browser.execute_script("document.querySelectorAll('div.cell')[arguments[0]].querySelector('textarea').focus()", a)
    before = browser.execute_script("return document.activeElement.value")
    keys(Keys.TAB)
    assert active(browser) == f"code of cell {a + 1}", "Tab left the cell instead of indenting"
    assert len(browser.execute_script("return document.activeElement.value")) == len(before) + 4
    assert browser.execute_script("return getComputedStyle(document.activeElement.parentNode"
                                  ".querySelector('.live-keys')).display") != "none", "no hint about the keys"
    keys(Keys.BACKSPACE * 4, Keys.ESCAPE)
    assert active(browser) != f"code of cell {a + 1}", "Esc did not leave the cell"
    keys(Keys.TAB)
    assert active(browser) == f"Run cell {a + 1}"
    runs = cell(browser, a)
    keys(Keys.ENTER)
    wait_for(browser, f"document.querySelectorAll('div.cell')[{a}].querySelector('.live-state').textContent"
                      ".startsWith('ran in')", 60, "Enter on the Run button to run the cell")
    assert clean(cell(browser, a)["live"]) == clean(runs["built"]), "the cell ran something other than its code"
    wait_for(browser, f"document.querySelector('.live-status').textContent.startsWith('Cell {a + 1}: ran in')", 5,
             "the status to say how the run went")
    visited = []
    for _ in range(30):
        keys(Keys.TAB)
        visited.append(active(browser))
        if visited[-1] == f"code of cell {b + 1}":
            break
    assert visited[0] == f"Reset cell {a + 1} to the book's code" and visited[-1] == f"code of cell {b + 1}", visited
    ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
    wait_for(browser, f"document.querySelectorAll('div.cell')[{b}].querySelector('.live-state').textContent"
                      ".startsWith('ran in')", 60, "Shift+Enter to run the cell")

    status = browser.execute_script("const s = document.querySelector('.live-status');"
                                    "return [s.getAttribute('aria-live'), s.getAttribute('role')]")
    assert status == ["polite", "status"]
    names = browser.execute_script("return [...document.querySelectorAll('.live-bar button, .live-tools button, "
                                   "textarea.live-editor')].map(e => e.getAttribute('aria-label') || e.textContent)")
    assert names and all(re.search(r"[A-Za-z]{3}", name) for name in names), names


def test_package_load_fails_well(browser, server):
    """With no network, loading matplotlib from the CDN fails in one clear line, the cell is marked failed, and
    the other cells still run in the same interpreter."""
    page = CHAPTERS[0]
    switch_on(browser, server.base + page)
    specs = json.load(open(os.path.join(server.site, "_static", "live", page.replace(".html", ".json"))))
    cells = browser.execute_script(CELLS)
    plot = next(c["index"] for c in cells if c["editable"] and specs[c["index"]]["needs"] == ["matplotlib"])
    later = next(c["index"] for c in cells[plot + 1:] if c["editable"] and c["built"] and c["built"].strip()
                 and not specs[c["index"]]["needs"] and not specs[c["index"]]["raises"])
    mark = len(browser.recorder.urls)
    click(browser, plot, ".live-run")
    wait_for(browser, f"document.querySelectorAll('div.cell')[{plot}].querySelector('.live-load')", 60,
             "the cell to offer loading matplotlib")
    assert cell(browser, plot)["label"] == "needs matplotlib"
    asked = len(browser.recorder.urls)
    assert not [url for url in browser.recorder.urls[mark:] if not url.startswith(server.base)], \
        "something was fetched from outside before the reader asked"
    click(browser, plot, ".live-load")
    wait_for(browser, f"document.querySelectorAll('div.cell')[{plot}].querySelector('.live-error')", 60,
             "the failed load to say so")
    got = browser.execute_script("""
      const c = document.querySelectorAll('div.cell')[arguments[0]];
      return {error: c.querySelector('.live-error').textContent, label: c.querySelector('.live-state').textContent,
              running: c.classList.contains('live-running'), retry: !c.querySelector('.live-load').disabled,
              status: document.querySelector('.live-status').textContent};""", plot)
    assert got["error"] == "Could not load numpy and matplotlib: no network, or the Pyodide CDN cannot be reached."
    assert got["label"] == "failed: could not load matplotlib" and not got["running"] and got["retry"], got
    assert "\n" not in got["status"] and "Traceback" not in got["status"] and "importlib" not in got["status"], got
    assert got["status"].startswith(got["error"]), got

    # the interpreter is as it was: a later cell runs, and the cell itself says again what it needs
    ran = run_cell(browser, later)
    assert clean(ran["live"]) == clean(ran["built"])
    click(browser, plot, ".live-run")
    wait_for(browser, f"document.querySelectorAll('div.cell')[{plot}].querySelector('.live-state').textContent"
                      " === 'needs matplotlib'", 30, "the cell to run again")
    assert "Traceback" not in browser.execute_script(
        "return document.querySelectorAll('div.cell')[arguments[0]].textContent", plot)
    packages = json.load(open(os.path.join(server.site, "_static", "live", "config.json")))["packages"]
    outside = [url for url in browser.recorder.urls[asked:] if not url.startswith(server.base)]
    assert outside and all(url.startswith(packages) for url in outside), outside
    del browser.recorder.urls[asked:]  # what the reader asked for, from the CDN: not the site's


def reference_steps():
    return [line for line in open(REFERENCE, encoding="utf-8").read().splitlines() if line.startswith("step ")][:20]


def test_playground(browser, server):
    expected = reference_steps()
    shown = "return getComputedStyle(document.querySelector('.mg-noscript')).display"
    with headless_chromium(NO_NETWORK, "--blink-settings=scriptEnabled=false") as no_script:  # the page's scripts off...
        no_script.get(server.base + "book/playground.html")
        assert no_script.execute_script(shown) != "none", "without JavaScript the page must say why it is empty"
    mark = len(browser.recorder.urls)
    browser.get(server.base + "book/playground.html")
    assert browser.execute_script(shown) == "none"  # ...and with it, says nothing
    time.sleep(1)  # Python starts when the reader reaches for the controls, not on page load
    assert not [url for url in browser.recorder.urls[mark:] if "live-worker" in url or "pyodide" in url], \
        "Python started on page load"
    browser.execute_script("document.getElementById('mg-steps').dispatchEvent(new Event('focusin', {bubbles: true}))")
    wait_for(browser, "document.getElementById('mg-status').dataset.kind === 'ready'", 240, "Python to start")
    for field, value in (("mg-steps", 1000), ("mg-seed", 42), ("mg-lr", 0.01)):  # the original run's settings
        browser.execute_script(f"document.getElementById('{field}').value = '{value}'")
    browser.execute_script("document.getElementById('mg-train-button').click()")
    wait_for(browser, "(document.getElementById('mg-log').textContent.match(/^step /gm) || []).length >= 20", 120,
             "20 training steps")
    # the steps' figures go to a line of their own; the status, announced to screen readers, says only
    # how training starts and ends
    assert re.match(r"step [0-9]+ / 1000, loss", browser.execute_script(
        "return document.getElementById('mg-progress').textContent"))
    assert browser.execute_script("return document.getElementById('mg-status').getAttribute('aria-live')") == "polite"
    assert browser.execute_script("return document.getElementById('mg-status').textContent") == "Training…"
    browser.execute_script("document.getElementById('mg-stop').click()")
    printed = [line for line in browser.execute_script("return document.getElementById('mg-log').textContent")
               .splitlines() if line.startswith("step ")]
    assert printed[:20] == expected, "the first 20 losses differ from the reference run"
    assert re.search(r"<path class=\"mg-raw\" d=\"M", browser.execute_script(
        "return document.getElementById('mg-curve').innerHTML")), "no loss curve"
    # Stop keeps the weights trained so far: a fresh interpreter takes them over and samples names
    wait_for(browser, "document.querySelectorAll('#mg-names li').length === 20", 240, "names after Stop")

    # a short run to the end, then the sampled names at another temperature, without training again
    browser.execute_script("document.getElementById('mg-steps').value = '10';"
                           "document.getElementById('mg-name').value = 'emma';"
                           "document.getElementById('mg-train-button').click()")
    wait_for(browser, "/^Trained 10 steps/.test(document.getElementById('mg-status').textContent)", 120,
             "a 10-step run")
    wait_for(browser, "document.getElementById('mg-inside-view').dataset.name === 'emma' && "
                      "document.getElementById('mg-inside-view').dataset.steps === '10'", 60, "the look inside")
    log = browser.execute_script("return document.getElementById('mg-log').textContent")
    browser.execute_script("const s = document.getElementById('mg-temperature-slider');"
                           "s.value = '1.5'; s.dispatchEvent(new Event('input'));")
    wait_for(browser, "document.getElementById('mg-names').dataset.temperature === '1.50'", 30, "re-sampled names")
    assert browser.execute_script("return document.getElementById('mg-log').textContent") == log, "it trained again"
    assert len(browser.execute_script("return [...document.querySelectorAll('#mg-names li')]")) == 20

    # look inside: every head's map has one row per position, each summing to 1 over earlier positions only
    maps = browser.execute_script("""
      return [...document.querySelectorAll('table.mg-attn')].map(t => [...t.querySelectorAll('tr.mg-row')].map(r =>
        [...r.querySelectorAll('td')].map(td => td.classList.contains('mg-future') ? null : Number(td.dataset.w))));""")
    positions = len("emma") + 1  # BOS, e, m, m, a: each predicts the next token
    assert len(maps) == 4, "one map per head (1 layer, 4 heads)"
    for rows in maps:
        assert len(rows) == positions
        for p, row in enumerate(rows):
            assert len(row) == positions
            assert all(w is not None and w >= 0 for w in row[:p + 1]) and all(w is None for w in row[p + 1:]), row
            assert abs(sum(row[:p + 1]) - 1) < 1e-9, row
    probs = browser.execute_script("""
      return [...document.querySelectorAll('table.mg-probs tr.mg-row')].map(r =>
        [...r.querySelectorAll('td')].map(td => Number(td.dataset.w)));""")
    assert len(probs) == positions and all(len(row) == 27 and abs(sum(row) - 1) < 1e-9 for row in probs)

    os.makedirs(ARTIFACTS, exist_ok=True)  # the whole page: training, names, the look inside
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(height + 100, 6000))
    time.sleep(0.5)
    assert browser.save_screenshot(os.path.join(ARTIFACTS, "playground.png"))
    browser.set_window_size(1280, 1000)
    check_requests(browser, server)


def test_heatmap_keyboard(browser, server):
    """The look inside, by keyboard and screen reader: each map is one Tab stop, the arrow keys (and Home, End)
    move from cell to cell and never into the blank future, and every cell with a value says it in words
    (aria-label), as the line under the map shows it. Trained one step, the fewest the page allows."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    def press(key, shift=False):
        chain = ActionChains(browser)
        (chain.key_down(Keys.SHIFT).send_keys(key).key_up(Keys.SHIFT) if shift else chain.send_keys(key)).perform()
        return browser.execute_script("const a = document.activeElement, map = a.closest('table');"
                                      "return [a.getAttribute('aria-label'), map && map.className,"
                                      "map && (map.closest('.mg-scroll') || map).nextElementSibling.textContent]")

    browser.get(server.base + "book/playground.html")
    browser.execute_script("document.getElementById('mg-steps').value = '1';"
                           "document.getElementById('mg-name').value = 'ava';"
                           "document.getElementById('mg-train-button').click()")
    wait_for(browser, "document.getElementById('mg-inside-view').dataset.steps === '1'", 240, "the look inside")
    cells = browser.execute_script("""
      return [...document.querySelectorAll('table.mg-heatmap')].map(t => [...t.querySelectorAll('td')].map(td =>
        [td.classList.contains('mg-future'), td.getAttribute('tabindex'), td.getAttribute('aria-label'),
         Number(td.dataset.w)]));""")
    assert len(cells) == 5, "the probabilities and four heads"
    for table in cells:
        assert [c[1] for c in table if not c[0]].count("0") == 1, "one Tab stop per map"
        for future, tabindex, label, w in table:
            assert future or label.endswith(f"{100 * w:.1f}%") or label.endswith(f"{100 * w:.1f}%, the letter "
                                                                                 "that really comes next"), label
            assert not future or (tabindex is None and label is None)
    browser.execute_script("document.getElementById('mg-inside-button').focus()")
    probs = "mg-heatmap mg-probs"
    first = cells[0][0][2]
    assert first.startswith("position 0, after the start/end token: next letter 'a', ") and \
        first.endswith("%, the letter that really comes next"), first
    assert press(Keys.TAB) == [first, probs, first], "Tab did not reach the first cell"
    assert press(Keys.ARROW_RIGHT)[0].startswith("position 0, after the start/end token: next letter 'b'")
    assert press(Keys.ARROW_DOWN)[0].startswith("position 1, after 'a': next letter 'b'")
    assert press(Keys.END)[0].startswith("position 1, after 'a': next letter the start/end token")
    assert press(Keys.HOME)[0].startswith("position 1, after 'a': next letter 'a'")
    head = "mg-heatmap mg-attn"
    first = press(Keys.TAB)
    assert first[:2] == ["position 0 (the start/end token) attends to position 0 (the start/end token): 100.0%",
                         head], "Tab did not go on to the first head's map"
    assert press(Keys.ARROW_RIGHT) == first, "the arrow moved into the blank future"
    assert press(Keys.ARROW_DOWN)[0].startswith("position 1 ('a') attends to position 0 (the start/end token): ")
    assert press(Keys.ARROW_RIGHT)[0].startswith("position 1 ('a') attends to position 1 ('a'): ")
    assert press(Keys.ARROW_UP)[0].startswith("position 1 ('a') attends to position 1 ('a'): "), "into the future"
    back = press(Keys.TAB, shift=True)
    assert back[1] == probs and back[0].startswith("position 1, after 'a': next letter 'a'"), \
        "the map's Tab stop did not follow the arrow keys"
    assert back[0] == back[2], "the line under the map shows the cell in focus"
    browser.execute_script("document.activeElement.scrollIntoView({block: 'center'})")
    os.makedirs(ARTIFACTS, exist_ok=True)
    assert browser.save_screenshot(os.path.join(ARTIFACTS, "playground-keyboard.png"))
    check_requests(browser, server)


def test_reduced_motion(browser, server):
    """A reader who asks for less motion gets none: the theme's transitions (the sidebar) and the live spinner
    stand still; without the request they move."""
    probe = """
      const d = document.createElement('div'); d.className = 'live-running';
      const s = document.createElement('span'); s.className = 'live-state'; d.append(s); document.body.append(d);
      const sidebar = document.querySelector('.bd-sidebar-primary');
      return [getComputedStyle(s, '::before').animationName,
              Math.max(...getComputedStyle(sidebar).transitionDuration.split(',').map(parseFloat))];"""
    browser.get(server.base + CHAPTERS[0])
    spinner, transition = browser.execute_script(probe)
    assert spinner == "live-spin" and transition >= 0.1, (spinner, transition)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia",
                            {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    try:
        browser.refresh()
        spinner, transition = browser.execute_script(probe)
        assert spinner == "none" and transition < 0.001, (spinner, transition)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


class StandInCDN(http.server.SimpleHTTPRequestHandler):
    """A second origin that serves the Pyodide core as the CDN does (with CORS); under tampered/ one file differs."""

    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def do_GET(self):
        if self.path == "/tampered/pyodide.asm.mjs":
            body = open(self.translate_path("/pyodide.asm.mjs"), "rb").read() + b"\n// changed\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        self.path = self.path.removeprefix("/tampered")
        return super().do_GET()

    def log_message(self, *args):
        pass


def test_cdn_fallback_checks_every_file(browser, server):
    """Built without npm, the pages load Pyodide from the CDN, and the browser checks each file's pinned hash."""
    cdn = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(StandInCDN, directory=os.path.join(server.site, "_static", "pyodide")))
    threading.Thread(target=cdn.serve_forever, daemon=True).start()
    config = json.load(open(os.path.join(server.site, "_static", "live", "config.json")))
    mark = len(browser.recorder.urls)
    try:
        for folder, works in (("", True), ("tampered/", False)):
            base = f"http://127.0.0.1:{cdn.server_address[1]}/{folder}"
            server.config = {**config, "local": False, "cdn": base}
            browser.get(server.base + CHAPTERS[0])
            browser.execute_script("document.querySelector('.live-toggle').click()")
            kind = wait_for(browser, "['ready', 'error'].find(k => k === "
                            "document.querySelector('.live-status').dataset.kind)", 240, "live mode to start or fail")
            assert kind == ("ready" if works else "error"), f"Pyodide from {base}"
            if not works:
                assert "pyodide.asm.mjs could not be fetched, or does not match its pinned hash" in \
                    browser.execute_script("return document.querySelector('.live-status').textContent")
            assert any(url.startswith(base) for url in browser.recorder.urls[mark:]), "the CDN was not used"
    finally:
        server.config = None
        del browser.recorder.urls[mark:]  # this test's own stand-in CDN is not the site's
        cdn.shutdown()
        cdn.server_close()
