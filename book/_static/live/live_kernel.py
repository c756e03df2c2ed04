"""live_kernel.py: runs a chapter's cells in the browser (Pyodide, in a Web Worker), one namespace per page.

The worker imports this module once. It makes the chapters' setup cells run in Pyodide's core runtime:
`myst_nb.glue` is a no-op (the book's build needs it, the reader does not), `matplotlib` and `numpy` are
stubs that import fine (a setup cell may define helpers that use them) and say they are not available live
when a cell actually uses them, and the data loader finds names.txt through MICROGPT_DATA, written into the
virtual file system by the worker.
"""
import ast
import functools
import importlib
import importlib.abc
import importlib.machinery
import inspect
import json
import linecache
import os
import pprint
import sys
import time
import traceback
import types

NS = {"__name__": "__main__"}
NEEDS_CDN = {"numpy", "matplotlib"}  # packages of the full Pyodide release, not of its core


class NotAvailableLive(RuntimeError):
    """Raised by a stub: this part of the chapter needs a package the core runtime lacks."""

    def __init__(self, package, message):
        super().__init__(message)
        self.package = package


def _glue(name, value, display=True):
    pass  # the website's prose already holds the glued numbers


class _StubModule(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        package = self.__name__.split(".")[0]
        raise NotAvailableLive(package, f"{self.__name__}.{attr}: {package} is not available in live mode")


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers `import matplotlib...` and `import numpy...` with a stub module, while the real one is not loaded."""

    stubbed = set(NEEDS_CDN)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.stubbed:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _StubModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


_FINDER = _StubFinder()


def setup(data_path):
    """Called once by the worker: the stubs, and where the data is."""
    myst_nb = types.ModuleType("myst_nb")
    myst_nb.glue = _glue
    sys.modules["myst_nb"] = myst_nb
    sys.meta_path.insert(0, _FINDER)
    os.environ["MICROGPT_DATA"] = data_path
    NS["glue"] = _glue


def drop_stubs(packages):
    """Before the real packages (comma-separated names) are loaded from the CDN."""
    for package in packages.split(","):
        _FINDER.stubbed.discard(package)
        for name in [n for n in sys.modules if n.split(".")[0] == package]:
            if isinstance(sys.modules[name], _StubModule):
                del sys.modules[name]
    os.environ["MPLBACKEND"] = "agg"  # a worker has no page to draw on: figures come back as PNG
    import warnings
    warnings.filterwarnings("ignore", message=".*non-interactive.*")  # plt.show() under agg


# The book's training loops, each with the function it calls once per step (None: its loss_fn argument).
# run() wraps them so that a long cell tells the page "step 340 / 1000" as it goes.
PER_STEP = {"train": "doc_loss", "train_sgd": None, "train_mlp": "mlp_backward",
            "train_mlp_autograd": "mlp_loss", "train_numpy": "loss_and_grad"}


def _emit(data):
    """Tell the page something while a cell runs (the worker's liveEmit; outside the browser, nothing)."""
    try:
        from js import liveEmit
    except ImportError:
        return
    liveEmit(json.dumps(data))


def _ticker(total):
    """A function to call once per step: it tells the page the step, at most four times a second."""
    done, shown = [0], [0.0]

    def tick():
        done[0] += 1
        if time.perf_counter() - shown[0] > 0.25 or done[0] == total:
            shown[0] = time.perf_counter()
            _emit({"step": done[0], "steps": total})
    return tick


def _with_progress(train, per_step):
    signature = inspect.signature(train)

    @functools.wraps(train)
    def training(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        tick = _ticker(bound.arguments.get("num_steps"))

        def counted(step):
            def call(*a, **k):
                tick()
                return step(*a, **k)
            return call
        if per_step is None:
            bound.arguments["loss_fn"] = counted(bound.arguments["loss_fn"])
            return train(*bound.args, **bound.kwargs)
        original = train.__globals__[per_step]
        train.__globals__[per_step] = counted(original)
        try:
            return train(*bound.args, **bound.kwargs)
        finally:
            train.__globals__[per_step] = original
    training.live_progress = True
    return training


def _report_progress():
    for name, per_step in PER_STEP.items():
        train = NS.get(name)
        if isinstance(train, types.FunctionType) and not hasattr(train, "live_progress") and (
                per_step is None or per_step in train.__globals__):
            NS[name] = _with_progress(train, per_step)


def _report_checks():
    """The chapter's check(label, guess) (its setup defines it; chapter 1 in a cell) tells the page each
    exercise answered right: live.js passes it on to progress.js when the reader wrote or edited the cell."""
    check = NS.get("check")
    if not isinstance(check, types.FunctionType) or hasattr(check, "live_checked"):
        return

    @functools.wraps(check)
    def checked(label, *args, **kwargs):
        right = check(label, *args, **kwargs)
        if right is True:
            _emit({"checked": label})
        return right
    checked.live_checked = True
    NS["check"] = checked


def _short_traceback(e):
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next  # this module's own frames tell the reader nothing
    return "".join(traceback.format_exception(type(e), e, tb, limit=-6))


def run(source, name):
    """Run one cell like Jupyter: statements, then the value of a last bare expression.

    Returns "ok", "error", or "needs:PACKAGE" when the cell reached for numpy or matplotlib."""
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)  # tracebacks show the line
    NS.setdefault("In", [""]).append(source)  # as in Jupyter: the cells run so far (chapter 11 reads them)
    try:
        for key, value in list(NS.items()):  # `np` bound to a stub by the setup, now that the real one is loaded
            if isinstance(value, _StubModule) and value.__name__.split(".")[0] not in _FINDER.stubbed:
                NS[key] = importlib.import_module(value.__name__)
        tree = ast.parse(source, name)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
            last = ast.Expression(tree.body.pop().value)
        exec(compile(tree, name, "exec"), NS)
        _report_progress()
        _report_checks()
        if last is not None:
            value = eval(compile(last, name, "eval"), NS)
            if value is not None:
                print(pprint.pformat(value, sort_dicts=False))
        return "ok"
    except NotAvailableLive as e:
        return f"needs:{e.package}"
    except ModuleNotFoundError as e:
        root = (e.name or "").split(".")[0]
        if root in NEEDS_CDN:
            return f"needs:{root}"
        sys.stderr.write(_short_traceback(e))
        return "error"
    except BaseException as e:  # SystemExit and KeyboardInterrupt too: the page must go on
        sys.stderr.write(_short_traceback(e))
        return "error"
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def figures():
    """The real matplotlib's open figures as PNG bytes (when it was loaded from the CDN), then closed."""
    if "matplotlib.pyplot" not in sys.modules or isinstance(sys.modules["matplotlib.pyplot"], _StubModule):
        return []
    import io
    import matplotlib.pyplot as plt
    out = []
    for num in plt.get_fignums():
        buf = io.BytesIO()
        plt.figure(num).savefig(buf, format="png", dpi=80, bbox_inches="tight")
        out.append(buf.getvalue())
    plt.close("all")
    return out
