"""bench_live.py: ms per training step of microgpt in the browser (Pyodide, in headless Chromium) next to
native CPython, measured in the same run on the same machine. A benchmark, not a test: it asserts nothing.

Both sides run code/microgpt.py's train() on the same model and the same names (seed 42), timed around
train() alone. The browser side is the playground's Python (book/_static/live/playground.py), served from
the built site ($MICROGPT_SITE, else _build/html) on 127.0.0.1.

    python tools/bench_live.py [--steps 50]        (make bench-live)
"""
import argparse
import functools
import http.server
import os
import shutil
import sys
import tempfile
import threading

import bench  # tools/bench.py: the native timing
from chapter import ROOT

BROWSER_RUN = """
const [steps, done] = [arguments[0], arguments[arguments.length - 1]];
const python = new MicrogptLive.Python(["playground"]);
python.start()
  .then(() => python.call("playground", "train", {steps, seed: 42, learning_rate: 0.01, log: false, snapshots: false}))
  .then((r) => { done({load: python.loadSeconds, seconds: r.seconds, version: [python.config.version, r.python]});
                 python.terminate(); },
        (e) => done({error: String(e)}));
"""


def native(steps):
    """Seconds for `steps` steps of train() in this CPython, set up as microgpt's main() does (tools/bench.py)."""
    return bench.ms_per_step(steps)[0] * steps / 1000


def browser(site, steps):
    """(seconds for `steps` steps, seconds to start Pyodide, its version) in headless Chromium."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    handler = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=site))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    profile = tempfile.mkdtemp(prefix="microgpt-bench-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.set_script_timeout(600)
        driver.get(f"http://127.0.0.1:{httpd.server_address[1]}/book/playground.html")
        result = driver.execute_async_script(BROWSER_RUN, steps)
    finally:
        driver.quit()
        httpd.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    if "error" in result:
        sys.exit(f"bench_live: the browser run failed: {result['error']}")
    return result["seconds"], result["load"], result["version"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=50, help="training steps on each side (50)")
    args = parser.parse_args()
    site = os.path.join(ROOT, os.environ.get("MICROGPT_SITE") or os.path.join("_build", "html"))
    if not os.path.isfile(os.path.join(site, "_static", "live", "config.json")):
        sys.exit(f"bench_live: no built site with live mode in {site}: run `make book` (or set MICROGPT_SITE)")
    before = native(args.steps)  # native runs before and after the browser: on a shared machine the load drifts
    web, load, version = browser(site, args.steps)
    after = native(args.steps)
    py = (before + after) / 2
    print(f"{args.steps} training steps of code/microgpt.py, same machine, same run:")
    rows = [(f"native CPython {sys.version.split()[0]}", py,
             f"   (before the browser {1000 * before / args.steps:.1f}, after {1000 * after / args.steps:.1f})"),
            (f"browser: Pyodide {version[0]} (CPython {version[1]})", web,
             f"   {web / py:.1f}x native; Pyodide started in {load:.1f} s")]
    for name, seconds, note in rows:
        print(f"  {name:40s} {1000 * seconds / args.steps:7.1f} ms/step{note}")


if __name__ == "__main__":
    main()
