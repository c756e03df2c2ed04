"""What several test files share: paths, the data, the built site, headless Chromium, a script
runner, a notebook runner and the checks every error message must pass.

Markers (pytest.ini): `notebook` runs a chapter notebook in a fresh kernel, `browser` opens the built site
in headless Chromium, `slow` runs the full 1000-step training. The quick tests are everything else:
`pytest -m "not notebook and not browser and not slow"` (`make quick`).
"""
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
sys.path.insert(0, os.path.join(ROOT, "code"))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import data  # noqa: E402  (code/data.py)

ORIGINAL_TRACE_SHA256 = "693e1df117a0fa77d5d2362bd4a60b2770c3dc745638f0104bd9881273d54394"  # the original's output
BUILT_SITE = os.path.join(ROOT, "_build", "html")  # where `make book` puts the site
BUILD = os.environ.get("MICROGPT_BUILD") or os.path.join(ROOT, "_build")  # its cache of executed notebooks


def assert_one_sentence(message, stderr=False):
    """An error meant for people: one line, one sentence, no traceback. With stderr=True, message is what a
    script printed on stderr, which ends with the line's newline."""
    if stderr:
        assert message.endswith("\n"), repr(message)
        message = message[:-1]
    assert "\n" not in message and message.endswith(".") and len(message) < 300, message
    assert "Traceback" not in message, message


# --- the data ------------------------------------------------------------------------------------------------

SHARED_NAMES = os.path.join(SHARED, "data", "names.txt")


@pytest.fixture(scope="session")
def names():
    """A real names.txt: $MICROGPT_DATA, the shared copy beside the repository, or the loader's own download."""
    for path in (os.environ.get("MICROGPT_DATA"), SHARED_NAMES):
        if path and os.path.isfile(path):
            return path
    data.load_docs()  # a fresh machine: download and verify the pinned file into the cache
    return data.cache_path()


@pytest.fixture
def run_script():
    """Run a script from code/ in a subprocess; return (exit code, stdout, stderr)."""
    def run(script, *args, env=None):
        result = subprocess.run([sys.executable, os.path.join(ROOT, "code", script), *args],
                                capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=900)
        return result.returncode, result.stdout, result.stderr
    return run


# --- the built site ------------------------------------------------------------------------------------------

def pytest_addoption(parser):
    parser.addoption("--build-site", action="store_true",
                     help="build the book into _build/html before the tests that need a built site")


def pytest_sessionstart(session):
    """With --build-site, build once, before any test runs (under xdist: in the controller, not per worker)."""
    config = session.config
    if not config.getoption("--build-site", False) or hasattr(config, "workerinput"):
        return
    if os.environ.get("MICROGPT_SITE"):
        raise pytest.UsageError("--build-site builds into _build/html; unset MICROGPT_SITE, or leave the option out")
    jupyter_book = os.path.join(os.path.dirname(sys.executable), "jupyter-book")
    result = subprocess.run([jupyter_book, "build", ROOT], cwd=ROOT, capture_output=True, text=True, timeout=3000)
    if result.returncode == 0:  # then the Chinese edition into _build/html/zh, from the same executed notebooks
        result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "i18n.py"), "build"], cwd=ROOT,
                                capture_output=True, text=True, timeout=3000)
    if result.returncode != 0:
        log = result.stdout[-3000:] + result.stderr[-3000:]
        raise pytest.UsageError(f"--build-site: the book did not build:\n{log}")


@pytest.fixture(scope="session")
def site():
    """The folder of the built site: $MICROGPT_SITE if set, else _build/html if `make book` (or --build-site)
    made it. Without one the tests that need it skip, except where CI is set: CI builds the book first, so
    there a missing site is a failure."""
    if os.environ.get("MICROGPT_SITE"):
        folder = os.path.join(ROOT, os.environ["MICROGPT_SITE"])  # relative to the repository, or absolute
        assert os.path.isfile(os.path.join(folder, "index.html")), f"MICROGPT_SITE={folder} holds no built site"
        return folder
    if os.path.isfile(os.path.join(BUILT_SITE, "index.html")):
        return BUILT_SITE
    reason = ("no built site: run `make book` first, pass --build-site, or set MICROGPT_SITE to a built one "
              "(checks the built pages, the launch buttons and the ladder)")
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the book should have been built before the tests, but there is {reason}")
    pytest.skip(reason)


def executed_notebook(chapter):
    """The build's run of the chapter as it is now (outputs, glue records and errors included), from the
    build's jupyter-cache; None when the build keeps no cache. A cache without this version of the chapter
    fails: the build is older than the notebook."""
    if not os.path.isdir(os.path.join(BUILD, ".jupyter_cache")):
        return None
    from jupyter_cache import get_cache
    cache = get_cache(os.path.join(BUILD, ".jupyter_cache"))
    try:
        record = cache.match_cache_notebook(nbformat.read(os.path.join(ROOT, chapter), as_version=4))
    except KeyError:
        pytest.fail(f"the build's cache holds no run of the current {chapter}: run `make book`")
    return cache.get_cache_bundle(record.pk).nb


# --- headless Chromium ---------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@contextlib.contextmanager
def headless_chromium(*extra_args, window=(1280, 1000)):
    """A WebDriver on headless Chromium with a fresh profile folder, deleted after;
    extra_args are more command-line flags. Without Chromium and chromedriver, the test skips."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("headless Chromium is not installed "
                    "(Debian: apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix="microgpt-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", f"--window-size={window[0]},{window[1]}",
                f"--user-data-dir={profile}", *extra_args):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console, for driver.get_log("browser")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver):
    """The console's errors since the last call (headless_chromium records the console)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


class Chromium:
    """Headless Chromium that starts over when its tab crashes. Seen in CI and here: the renderer crashed ("tab
    crashed") on the page after the playground, when that page had started loading Pyodide in a worker (the
    playground now waits for the reader). `visit(url, read)` opens the page and returns `read(driver)`; after a
    crash it starts a new browser and tries once more, and a second crash on the same page fails, naming it."""

    def __init__(self, *extra_args, window=(1280, 1000)):
        self.extra_args, self.window, self.crashes = extra_args, window, []
        self._start()

    def _start(self):
        self._running = headless_chromium(*self.extra_args, window=self.window)
        self.driver = self._running.__enter__()

    def close(self):
        """Quit; a crash that the second try got past is reported as a warning."""
        self._running.__exit__(None, None, None)
        if self.crashes:
            warnings.warn(f"Chromium's tab crashed on {self.crashes}; each loaded in a new browser")

    def resize(self, width, height):
        self.window = (width, height)
        self.driver.set_window_size(width, height)

    def visit(self, url, read):
        from selenium.common.exceptions import WebDriverException
        for _ in range(2):
            try:
                self.driver.get(url)
                return read(self.driver)
            except WebDriverException as e:
                if "tab crashed" not in str(e):
                    raise
                self.crashes.append(url)
                self._running.__exit__(None, None, None)
                self._start()
        pytest.fail(f"Chromium's tab crashed twice on {url}")


# --- Node.js -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def node():
    """The node executable, which checks the syntax of the site's scripts. Without it the test skips, except
    where CI is set: CI installs npm, and node with it, so there a missing node is a failure."""
    path = shutil.which("node")
    if path:
        return path
    reason = "node is not installed (Debian: apt-get install nodejs), so the site's scripts cannot be checked"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, but {reason}.")
    pytest.skip(reason)


# --- a chapter notebook as a Colab reader runs it ------------------------------------------------------------

ALONE_CHECK = '''\
def _alone():  # injected by the tests: the notebook must not lean on the repository
    import importlib.util, os, sys
    assert os.listdir(".") == [{name!r}], os.listdir(".")
    assert not {{{repo_dirs}}} & {{os.path.abspath(p or ".") for p in sys.path}}, sys.path
    assert importlib.util.find_spec("data") is None and importlib.util.find_spec("microgpt") is None
    myst_nb = importlib.util.find_spec("myst_nb")
    assert myst_nb is None or "not-on-colab" in myst_nb.origin, myst_nb
_alone()
del _alone
'''


def run_alone(path, tmp_path, **env_changes):
    """Execute the notebook at path (relative to ROOT) alone in tmp_path/colab, in a fresh kernel whose
    HOME and MICROGPT_CACHE are fresh folders; env_changes (None deletes) adjust its environment.
    Return it, with its outputs and without the inserted check."""
    folder, home, blocked = tmp_path / "colab", tmp_path / "home", tmp_path / "not-on-colab"
    for d in (folder, home, blocked / "myst_nb"):
        d.mkdir(parents=True)
    # The book's build tools are installed here but not on Colab: hide myst_nb, so `glue` takes the
    # fallback a Colab reader gets.
    (blocked / "myst_nb" / "__init__.py").write_text('raise ImportError("myst_nb is not installed on Colab")\n')
    name = os.path.basename(path)
    shutil.copy(os.path.join(ROOT, path), folder / name)
    nb = nbformat.read(str(folder / name), as_version=4)
    repo_dirs = ", ".join(repr(os.path.abspath(os.path.join(ROOT, d)))
                          for d in ("", "code", "book", "tools", "colab"))
    nb.cells.insert(0, nbformat.v4.new_code_cell(ALONE_CHECK.format(name=name, repo_dirs=repo_dirs)))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MICROGPT_", "PYTHON", "JUPYTER", "IPYTHON", "MPLCONFIG"))}
    env.update(HOME=str(home), MICROGPT_CACHE=str(tmp_path / "cache"), PYTHONPATH=str(blocked))
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    client.execute(env=env)
    nb.cells.pop(0)
    return nb
