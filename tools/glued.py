"""glued.py: what the tools and tests know about a chapter's glued numbers.

A chapter pastes numbers into its prose with myst-nb's `{glue:text}` roles; the values come from glue cells,
cells of `glue(...)` calls alone (tangle enforces that). Each glued number is one of two kinds:

- exact: the same on every machine, as shown: counts, everything computed in plain Python floats from a seed,
  and a numpy float glued with `noise=`, a bound on its rounding noise that the chapter states and that no
  format the prose shows it at can see (a test checks it: `stable_under_noise`);
- measured: it depends on the machine (timings, and rounding-level results of numpy, whose BLAS kernel
  differs from CPU to CPU). It is declared where it is glued: `glue("race_py_ms", race_py_ms, measured=True)`.

Values computed with numpy are found by reading the chapter's code (`numpy_names`): each glued one must be an
int or text without a fraction, declared measured, or glued as a float with `noise=`.
"""
import ast
import os
import re
from dataclasses import dataclass

from chapter import cell_source, glue_calls, read_notebook, strip_directives


def code_bodies(path):
    """(index in the notebook, code without directive lines) of every code cell of the notebook at path."""
    cells = read_notebook(path)["cells"]
    return [(i, strip_directives(cell_source(c))) for i, c in enumerate(cells) if c["cell_type"] == "code"]


@dataclass
class Glued:
    key: str           # the key, or for an f-string key a regular expression of the keys it makes
    pattern: bool      # key is a regular expression (an f-string key, glued in a loop)
    measured: bool     # declared measured=True
    noise: object      # the noise= expression's source, or None
    value: ast.AST     # the glued expression
    cell: int          # the cell's index in the notebook

    def matches(self, key):
        return re.fullmatch(self.key, key) is not None if self.pattern else key == self.key


def key_of(node):
    """(key, is a pattern) of a glue call's first argument: a string, or an f-string as a regular expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, False
    if isinstance(node, ast.JoinedStr):
        return "".join(re.escape(part.value) if isinstance(part, ast.Constant) else ".+?"
                       for part in node.values), True
    raise ValueError(f"a glue key must be a string or an f-string, not {ast.unparse(node)}")


def glued(path):
    """Every glue(...) call of the chapter at path, in order, as Glued."""
    found = []
    for index, code in code_bodies(path):
        for call in glue_calls(ast.parse(code)):
            key, pattern = key_of(call.args[0])
            options = {k.arg: k.value for k in call.keywords}
            measured = options.get("measured")
            found.append(Glued(key, pattern, isinstance(measured, ast.Constant) and measured.value is True,
                               ast.unparse(options["noise"]) if "noise" in options else None,
                               call.args[1], index))
    return found


def declared_measured(path):
    """A function key -> True when the chapter at path glues that key with measured=True."""
    measured = [g for g in glued(path) if g.measured]
    return lambda key: any(g.matches(key) for g in measured)


# --- which values come from numpy ---------------------------------------------------------------------------

def names_read(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def free_names(node):
    """The names a function or class reads that it does not bind itself (its globals, roughly)."""
    bound = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
    bound |= {a.arg for n in ast.walk(node) if isinstance(n, ast.arguments)
              for a in n.posonlyargs + n.args + n.kwonlyargs + [n.vararg, n.kwarg] if a}
    bound |= {n.name for n in ast.walk(node) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
              and n is not node}
    return names_read(node) - bound


def root_name(node):
    """x for x, x.a, x[i], x.a[i].b."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def targets(node):
    """The names a statement binds or changes at the top level of the chapter."""
    if isinstance(node, (ast.Assign,)):
        nodes = node.targets
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.comprehension)):
        nodes = [node.target]
    elif isinstance(node, ast.withitem):
        nodes = [node.optional_vars] if node.optional_vars else []
    else:
        nodes = []
    names = set()
    for n in nodes:
        names |= {root_name(t) for t in ast.walk(n) if isinstance(t, (ast.Name, ast.Attribute, ast.Subscript))}
    return names - {None}


def module_statements(tree):
    """The chapter's statements outside function and class bodies (inside loops, ifs, withs and trys too)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop(0)
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ("body", "orelse", "finalbody", "handlers", "items"):
                todo.extend(getattr(node, field, None) or [])


def numpy_names(tree):
    """The chapter's top-level names whose value is computed with numpy: numpy itself, a function or class whose
    code reads such a name, and anything assigned from (or changed by a call with) an expression that reads one.
    Names inside functions stay inside them. Followed to a fixed point; errs on the side of numpy."""
    tainted = set()
    statements = list(module_statements(tree))
    modules = {(a.asname or a.name).split(".")[0] for n in statements if isinstance(n, (ast.Import, ast.ImportFrom))
               for a in n.names}
    while True:
        new = set()
        for node in statements:
            if isinstance(node, ast.Import):
                new |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] == "numpy"}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "numpy":
                new |= {a.asname or a.name for a in node.names}
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if free_names(node) & tainted:
                    new.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                if node.value is not None and names_read(node.value) & tainted:
                    new |= targets(node)
            elif isinstance(node, ast.For):
                if names_read(node.iter) & tainted:
                    new |= targets(node)
            elif isinstance(node, ast.withitem):
                if names_read(node.context_expr) & tainted:
                    new |= targets(node)
            if isinstance(node, (ast.Expr, ast.Assign, ast.AugAssign)):  # lst.append(x), d.update(...): lst, d
                for call in ast.walk(node):
                    if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                            and names_read(call) & tainted and root_name(call.func.value) not in modules):
                        new.add(root_name(call.func.value))  # (random.shuffle(x) changes x, not random)
            for comp in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else []:
                if isinstance(comp, ast.comprehension) and names_read(comp.iter) & tainted:
                    new |= targets(comp)  # (a comprehension's own names; harmless where they are not global)
        new -= {None}
        if new <= tainted:
            return tainted
        tainted |= new


def chapter_tree(path):
    """The chapter's code, every code cell in order (the setup cell too), as one module."""
    return ast.parse("\n".join(code for _, code in code_bodies(path)))


def from_numpy(path):
    """The Glued of the chapter at path whose value reads a name computed with numpy."""
    tainted = numpy_names(chapter_tree(path))
    return [g for g in glued(path) if names_read(g.value) & tainted]


def stable_under_noise(value, noise, fmt_spec):
    """The value shows the same at this format spec anywhere within +-noise of it."""
    return format(value - noise, fmt_spec) == format(value, fmt_spec) == format(value + noise, fmt_spec)


def constants(tree):
    """{NAME: value} of the chapter's top-level assignments of a literal (NUMPY_NOISE = 1e-9)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return found


def looks_exact(value):
    """An int, or text without a fraction in it ('4,192', 'emma, olivia'): no rounding can change it."""
    if isinstance(value, bool) or isinstance(value, int):
        return True
    return isinstance(value, str) and not re.search(r"\d[.]\d|\d%|\de-?\d", value)


def book_prose(folder):
    """{notebook name: the Markdown of its cells} for every notebook in the folder."""
    prose = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".ipynb"):
            nb = read_notebook(os.path.join(folder, name))
            prose[name] = "".join(cell_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    return prose


def prose_formats(prose, own, key):
    """Every format spec the book's prose ({notebook: Markdown}) shows the key of notebook `own` at: its own
    {glue:text}`key:spec`, and other chapters' {glue:text}`NN_name.ipynb::key:spec` ('' where there is none)."""
    specs = []
    for other, text in prose.items():
        for content in re.findall(r"\{glue(?::text|:md)?\}`([^`]+)`", text):
            name, spec = content.rsplit(":", 1) if ":" in content.split("::")[-1] else (content, "")
            if name == f"{own}::{key}" or (other == own and name == key):
                specs.append(spec)
    return specs


def undeclared(path, values):
    """What is wrong with the numpy numbers the chapter at path glues, given the build's glued values
    {key: Python value}: one sentence each; [] when every one is exact by construction (an int, text without
    a fraction), declared measured, or glued as a float with a noise= that no format of the prose can see."""
    tree = chapter_tree(path)
    noises = constants(tree)
    prose = book_prose(os.path.dirname(path))
    problems = []
    for g in from_numpy(path):
        for key in [k for k in values if g.matches(k)]:
            value = values[key]
            if g.measured or (g.noise is None and looks_exact(value)):
                continue
            where = f"{os.path.basename(path)} glues {key} = {value!r}, computed with numpy,"
            if g.noise is None:
                problems.append(f"{where} as exact: declare it measured=True, or glue the float with noise=")
                continue
            noise = eval(g.noise, {"__builtins__": {}}, noises)  # a number, or arithmetic on constants
            if not isinstance(value, float) or not isinstance(noise, (int, float)):
                problems.append(f"{where} with noise={g.noise}: glue a float, and a noise that is a number")
                continue
            for spec in prose_formats(prose, os.path.basename(path), key):
                if not stable_under_noise(value, noise, spec):
                    problems.append(f"{where} and shows it at '{spec}', which a change of {noise:g} can alter")
    return problems


# --- comparisons of two models carry their interval ---------------------------------------------------------

COMPARISON = re.compile(r"(^|_)(gap|gain|beats|cost|worth)(_|$)")
INTERVAL = ("_lo", "_hi")
NOT_TWO_MODELS = {  # keys named like a comparison that compare no two models, and why
    "train_val_gap": "one model, on its training names and on the validation names",
    "val_train_gap": "one model, on its training names and on the validation names",
    "halluc_ll_seen_gap": "one model, on names it trained on and on names it did not",
    "halluc_karia_beats": "a count of real names that one model scores below an invented one",
    "bpe_gain_first": "a tokenizer's compression: counted, not estimated",
    "bpe_gain_last": "a tokenizer's compression: counted, not estimated",
}


def paragraphs(text):
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def shown_keys(paragraph, notebook):
    """(notebook, key) of each glued value a paragraph of `notebook` shows with {glue:text}: its own keys, and
    other chapters' by file name."""
    shown = set()
    for content in re.findall(r"\{glue(?::text|:md)?\}`([^`]+)`", paragraph):
        file, _, rest = content.rpartition("::")
        shown.add((file or notebook, rest.split(":")[0]))
    return shown


def comparisons_without_interval(own, keys, measured, prose):
    """One sentence for each glued comparison of two models in notebook `own` (glued keys `keys`) that lacks
    its interval: a key named like a comparison (COMPARISON), unless measured (a rounding-level difference) or
    in NOT_TWO_MODELS, has KEY_lo and KEY_hi glued beside it; and a key with an interval is shown with both
    ends, in one paragraph, somewhere in the book's prose ({notebook: Markdown})."""
    shown = [shown_keys(p, notebook) for notebook, text in prose.items() for p in paragraphs(text)]
    problems = []
    for key in sorted(keys):
        if key.endswith(INTERVAL + ("_sd", "_se")) or key in NOT_TWO_MODELS or measured(key):
            continue
        has_interval = all(key + end in keys for end in INTERVAL)
        if COMPARISON.search(key) and not has_interval:
            problems.append(f"{own} glues the comparison {key} without {key}_lo and {key}_hi")
        if not has_interval:
            continue
        mentions = [s for s in shown if (own, key) in s]
        if mentions and not any({(own, key + end) for end in INTERVAL} <= s for s in mentions):
            problems.append(f"{own} glues {key} with an interval, but no paragraph shows it with both ends")
    return problems
