"""bench_live.py: ms per training step of microgpt in the browser (Pyodide, in headless Chromium) next to
native CPython, measured in the same run on the same machine. A benchmark, not a test: it asserts nothing.

Both sides run code/microgpt.py's train() on the same model and the same names (seed 42), timed around
train() alone, without printing and (in the browser) without the weights sent to the page after each step.
The browser side is the playground's Python (book/_static/live/playground.py), served from the built site
($MICROGPT_SITE, else _build/html) on 127.0.0.1, in a fresh headless Chromium each time, called as soon as
Python is up (as the playground's Train does). It runs twice: train() as it is (before) and with each step's
forward and backward pass entered afresh (after: playground.py's Entered, what the page does). Each round
measures native, before and after once; the figures are the median of the rounds and their range, as wall
clock and, where Linux's /proc tells it, as CPU time of the thread that trains (less sensitive to other jobs
on a shared machine; it includes the setup, loading the names and drawing the weights, on both sides).

    python tools/bench_live.py [--steps 50] [--rounds 3]        (make bench-live)
"""
import argparse
import functools
import http.server
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time

from chapter import ROOT

import bench  # the native side's setup, as bench.py times it; it puts code/ on the path for microgpt
import microgpt  # the generated program, code/microgpt.py

BROWSER_START = """
const done = arguments[arguments.length - 1];
window.benchPython = new MicrogptLive.Python(["playground"]);
window.benchPython.start().then(() => done({load: window.benchPython.loadSeconds}), (e) => done({error: String(e)}));
"""

BROWSER_TRAIN = """
const [steps, entered, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const python = window.benchPython;
python.call("playground", "train", {steps, seed: 42, learning_rate: 0.01, log: false, snapshots: false, entered})
  .then((r) => done({seconds: r.seconds, version: [python.config.version, r.python]}),
        (e) => done({error: String(e)}));  // the worker lives on until the browser quits: its CPU time is read first
"""


def native(steps):
    """(wall seconds of train(), CPU seconds of setup and train()) for `steps` steps in this CPython, set up as
    microgpt's main() and the playground's prepare() do."""
    cpu = time.thread_time()
    state_dict, docs, uchars = bench.prepared()
    start = time.perf_counter()
    microgpt.train(state_dict, docs, uchars, num_steps=steps)
    return time.perf_counter() - start, time.thread_time() - cpu


def worker_cpu(root_pid):
    """CPU seconds so far of every Web Worker thread of the browser started as root_pid's descendant (Linux's
    /proc; None elsewhere)."""
    try:
        import psutil
    except ImportError:
        return None
    try:
        pids = [p.pid for p in psutil.Process(root_pid).children(recursive=True)]
        total = 0.0
        for pid in pids:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/stat") as f:
                    name, fields = f.read().split("(", 1)[1].rsplit(") ", 1)
                if "Worker" in name:
                    ticks = fields.split()
                    total += (int(ticks[11]) + int(ticks[12])) / os.sysconf("SC_CLK_TCK")
        return total
    except (OSError, psutil.Error):
        return None


def browser(site, steps, entered):
    """{seconds, cpu, load, version} for `steps` steps in a fresh headless Chromium: wall seconds of train()
    (timed in Python), CPU seconds of the worker for the whole call (setup and train()), Pyodide's start."""
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
    service = Service(shutil.which("chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_script_timeout(600)
        driver.get(f"http://127.0.0.1:{httpd.server_address[1]}/book/playground.html")
        result = driver.execute_async_script(BROWSER_START)
        if "error" not in result:
            cpu = worker_cpu(service.process.pid)
            result.update(driver.execute_async_script(BROWSER_TRAIN, steps, entered))
            after = worker_cpu(service.process.pid)
            result["cpu"] = None if cpu is None or after is None else after - cpu
    finally:
        driver.quit()
        httpd.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    if "error" in result:
        sys.exit(f"bench_live: the browser run failed: {result['error']}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=50, help="training steps on each side (50)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of native, before, after (3)")
    args = parser.parse_args()
    site = os.path.join(ROOT, os.environ.get("MICROGPT_SITE") or os.path.join("_build", "html"))
    if not os.path.isfile(os.path.join(site, "_static", "live", "config.json")):
        sys.exit(f"bench_live: no built site with live mode in {site}: run `make book` (or set MICROGPT_SITE)")
    wall, cpu = {"native": [], "before": [], "after": []}, {"native": [], "before": [], "after": []}
    loads = []
    for _ in range(args.rounds):  # interleaved: on a shared machine the load drifts
        seconds, cpu_seconds = native(args.steps)
        wall["native"].append(1000 * seconds / args.steps)
        cpu["native"].append(1000 * cpu_seconds / args.steps)
        for name, entered in (("before", False), ("after", True)):
            result = browser(site, args.steps, entered)
            wall[name].append(1000 * result["seconds"] / args.steps)
            if result["cpu"] is not None:
                cpu[name].append(1000 * result["cpu"] / args.steps)
            loads.append(result["load"])
            version = result["version"]
    print(f"{args.steps} training steps of code/microgpt.py, same machine, same run, {args.rounds} rounds; "
          "median ms/step, then the range:")
    labels = {"native": f"native CPython {sys.version.split()[0]}",
              "before": f"Pyodide {version[0]} (CPython {version[1]}), train() as is",
              "after": "the same, each step entered afresh (the page)"}
    for title, figures in (("wall clock, train() alone", wall),
                           ("CPU time of the thread that trains, setup included", cpu)):
        if not all(figures.values()):
            continue  # no /proc: no CPU time of the browser's worker
        median = {name: statistics.median(v) for name, v in figures.items()}
        print(f" {title}:")
        for name, label in labels.items():
            spread = f"({min(figures[name]):.1f} to {max(figures[name]):.1f})"
            ratio = "" if name == "native" else f"  {median[name] / median['native']:.2f}x native"
            print(f"  {label:47s} {median[name]:6.1f} {spread:16s}{ratio}")
    print(f" Pyodide started in {min(loads):.1f} to {max(loads):.1f} s")


if __name__ == "__main__":
    main()
