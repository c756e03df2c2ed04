"""Every exercise can be checked without asking anyone (issue 11). Quick: reads the notebooks, runs nothing of them
but the checker block.

For every chapter notebook of _toc.yml:
- each {exercise} has a solution (solution-start ... solution-end) with at least one code cell that asserts;
- a *predict* exercise (its title starts with "Predict") has an answer-key cell, between the exercise and its
  solution, that calls answer("<label>", ...), and its solution asserts that check("<label>", ...) accepts the
  right answer and rejects a wrong one;
- no prose-only {solution} directive is left;
- at least three exercises, whose titles start with "Predict", "Break it" or "Extend it", all three kinds present.
And the checker block of chapter 1 behaves: right, wrong, unknown label, floats within a tolerance, lists, text.
"""
import ast
import contextlib
import io
import os
import re

import pytest

from chapter import EXERCISE, FENCE, cell_source, chapter_notebooks, read_notebook
from conftest import ROOT

KINDS = ("Predict", "Break it", "Extend it")
SOLUTION_START = re.compile(FENCE + r"\{solution-start\}[ \t]*(\S+)", re.M)
SOLUTION_END = re.compile(FENCE + r"\{solution-end\}", re.M)
PROSE_SOLUTION = re.compile(FENCE + r"\{solution\}[ \t]*(\S*)", re.M)


def chapters():
    return chapter_notebooks()


def cells_of(path):
    return read_notebook(os.path.join(ROOT, path))["cells"]


def source(cell):
    return cell_source(cell)


def events(cells):
    """The notebook as one stream: ("exercise", title, label), ("start", label), ("end",), ("prose", label),
    ("code", source), in reading order."""
    out = []
    for cell in cells:
        text = source(cell)
        if cell["cell_type"] == "code":
            out.append(("code", text))
            continue
        found = [(m.start(), ("exercise", m.group(1).strip(), m.group(2))) for m in EXERCISE.finditer(text)]
        found += [(m.start(), ("start", m.group(1))) for m in SOLUTION_START.finditer(text)]
        found += [(m.start(), ("end",)) for m in SOLUTION_END.finditer(text)]
        found += [(m.start(), ("prose", m.group(1))) for m in PROSE_SOLUTION.finditer(text)]
        out += [event for _, event in sorted(found)]
    return out


def exercises(cells):
    """{label: {"title", "before": code cells between the exercise and its solution, "solution": its code cells,
    "closed": whether solution-end was found}}, in order."""
    found, current, inside = {}, None, None
    for event in events(cells):
        if event[0] == "exercise":
            current, inside = event[2], None
            found[current] = {"title": event[1], "before": [], "solution": None, "closed": False}
        elif event[0] == "start":
            inside = event[1]
            if inside in found:
                found[inside]["solution"] = []
        elif event[0] == "end":
            if inside in found:
                found[inside]["closed"] = True
            inside = None
        elif event[0] == "code":
            if inside in found:
                found[inside]["solution"].append(event[1])
            elif current in found and found[current]["solution"] is None:
                found[current]["before"].append(event[1])
    return found


def parse(code):
    """The cell as Python, with IPython's `%` and `!` lines left out."""
    return ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines()))


def asserts(code):
    return [node for node in ast.walk(parse(code)) if isinstance(node, ast.Assert)]


def check_calls(code, label):
    """(accepts, rejects): whether some assert requires check(label, ...) to be true, and some to be false."""
    accepts = rejects = False

    def visit(node, negated):
        nonlocal accepts, rejects
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return visit(node.operand, not negated)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            for value in node.values:
                visit(value, negated)
            return
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check" and node.args
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == label):
            if negated:
                rejects = True
            else:
                accepts = True

    for node in asserts(code):
        visit(node.test, False)
    return accepts, rejects


def calls_answer(code, label):
    return any(isinstance(node, ast.Call) and getattr(node.func, "id", None) == "answer" and node.args
               and isinstance(node.args[0], ast.Constant) and node.args[0].value == label
               for node in ast.walk(parse(code)))


@pytest.mark.parametrize("path", chapters())
def test_every_exercise_is_checked_by_code(path):
    cells = cells_of(path)
    found = exercises(cells)
    problems = []
    for event in events(cells):
        if event[0] == "prose":
            problems.append(f"{event[1] or 'a'} {{solution}} directive: a solution must be code that asserts "
                            "(solution-start, a code cell, solution-end)")
    if len(found) < 3:
        problems.append(f"{len(found)} exercises; at least three are needed")
    kinds = {kind for kind in KINDS for ex in found.values() if ex["title"].startswith(kind)}
    if found and kinds != set(KINDS):
        problems.append(f"exercise kinds {sorted(kinds)}: need all of {list(KINDS)}")
    for label, ex in found.items():
        if not ex["title"].startswith(KINDS):
            problems.append(f"{label}: title {ex['title']!r} does not start with one of {KINDS}")
        if ex["solution"] is None:
            problems.append(f"{label}: no solution-start")
            continue
        if not ex["closed"]:
            problems.append(f"{label}: its solution has no solution-end")
        if not any(asserts(code) for code in ex["solution"]):
            problems.append(f"{label}: its solution has no code cell with an assert")
        if ex["title"].startswith("Predict"):
            if not any(calls_answer(code, label) for code in ex["before"]):
                problems.append(f'{label}: no answer-key cell calling answer("{label}", ...) before its solution')
            accepts = any(check_calls(code, label)[0] for code in ex["solution"])
            rejects = any(check_calls(code, label)[1] for code in ex["solution"])
            if not (accepts and rejects):
                problems.append(f'{label}: its solution must `assert check("{label}", right)` and '
                                f'`assert not check("{label}", wrong)`')
    assert not problems, f"{path}:\n" + "\n".join(problems)


def test_the_exercise_scanner_sees_what_it_must():
    """The scanner itself can fail: a prose solution, a missing answer key and an assert-free solution."""
    md = lambda text: {"cell_type": "markdown", "source": [text]}
    code = lambda text: {"cell_type": "code", "source": [text]}
    cells = [md("```{exercise} Predict, then run: x\n:label: ex-a\n\nWhat is x?\n```\n"),
             code('answer("ex-a", lambda: 1, "hint")'),
             md("```{solution-start} ex-a\n:class: dropdown\n```\n"),
             code('assert check("ex-a", 1) and not check("ex-a", 2)'),
             md("```{solution-end}\n```\n\n```{exercise} Break it\n:label: ex-b\n```\n\n"
                "```{solution-start} ex-b\n:class: dropdown\n```\n"),
             code("print('no assert here')"),
             md("```{solution-end}\n```\n\n```{exercise} Extend it\n:label: ex-c\n```\n\n"
                "```{solution} ex-c\n:class: dropdown\nJust prose.\n```\n")]
    found = exercises(cells)
    assert list(found) == ["ex-a", "ex-b", "ex-c"]
    assert found["ex-a"]["title"] == "Predict, then run: x" and calls_answer(found["ex-a"]["before"][0], "ex-a")
    assert check_calls(found["ex-a"]["solution"][0], "ex-a") == (True, True)
    assert check_calls(found["ex-a"]["solution"][0], "ex-b") == (False, False)
    assert check_calls('assert check("ex-a", 1)', "ex-a") == (True, False)
    assert check_calls('check("ex-a", 1)\nassert not check("ex-a", 2)', "ex-a") == (False, True)
    assert found["ex-b"]["closed"] and not any(asserts(c) for c in found["ex-b"]["solution"])
    assert found["ex-c"]["solution"] is None
    assert ("prose", "ex-c") in events(cells)


def checker():
    """The checker block of the first chapter, run on its own: {name: value} of what it defines."""
    cells = cells_of(chapters()[0])
    blocks = [source(c) for c in cells if c["cell_type"] == "code" and source(c).startswith("#| block checker")]
    assert blocks, f"{chapters()[0]} has no `#| block checker` cell"
    namespace = {}
    exec("\n\n".join(blocks), namespace)
    return namespace


def run_check(ns, label, guess):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = ns["check"](label, guess)
    return result, out.getvalue()


def test_the_checker_says_right_or_wrong_and_never_the_answer():
    ns = checker()
    computed = []
    ns["answer"]("ex-test-number", lambda: computed.append(1) or 20.0, "look at the node in the middle")
    ns["answer"]("ex-test-list", lambda: [7.0, 20.0], "two numbers")
    ns["answer"]("ex-test-text", lambda: "ValueError", "which error?")
    ns["answer"]("ex-test-bool", lambda: True, "yes or no")

    right, said = run_check(ns, "ex-test-number", 20.0)
    assert right is True and said.strip() == "Right."
    assert computed, "the answer is worked out when checked, by the function given to answer()"
    wrong, said = run_check(ns, "ex-test-number", 14.0)
    assert wrong is False and "look at the node in the middle" in said and "20" not in said

    assert run_check(ns, "ex-test-number", 20)[0], "an int equal to the float answer is right"
    assert run_check(ns, "ex-test-number", 20.0 + 1e-9)[0], "floats within 1e-6 (relative) are right"
    assert not run_check(ns, "ex-test-number", 20.001)[0], "but not beyond"
    assert not run_check(ns, "ex-test-number", "20.0")[0], "text is not a number"

    assert run_check(ns, "ex-test-list", [7, 20.0 + 1e-9])[0] and run_check(ns, "ex-test-list", (7.0, 20.0))[0]
    assert not run_check(ns, "ex-test-list", [7.0, 14.0])[0] and not run_check(ns, "ex-test-list", [7.0])[0]

    assert run_check(ns, "ex-test-text", " valueerror ")[0] and not run_check(ns, "ex-test-text", "KeyError")[0]
    assert run_check(ns, "ex-test-bool", True)[0]
    assert not run_check(ns, "ex-test-bool", 1)[0] and not run_check(ns, "ex-test-bool", False)[0]

    unknown, said = run_check(ns, "ex-no-such-label", 20.0)
    assert unknown is False and "ex-no-such-label" in said and "Right" not in said


def test_the_onboarding_page_indexes_every_exercise_and_has_a_checkpoint_per_part():
    """how_to_use.md lists the exercises and checkpoints that tools/reading_time.py generates from the chapters."""
    import reading_time
    text = open(os.path.join(ROOT, "book", "how_to_use.md"), encoding="utf-8").read()
    subs = reading_time.substitutions(ROOT)
    used = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", text))
    assert used <= set(subs), f"substitutions the page uses but nothing makes: {used - set(subs)}"
    for path in chapters():
        stem = os.path.splitext(os.path.basename(path))[0]
        assert f"exercise_list_{stem}" in used, f"the exercise index has no generated list for {stem}"
        for label, ex in exercises(cells_of(path)).items():
            assert f"<{label}>`" in subs[f"exercise_list_{stem}"], f"{label} is missing from the index"
    assert "checkpoints" in used
    lines = subs["checkpoints"].splitlines()
    assert len(lines) == len(reading_time.parts(ROOT)) and len(lines) >= 3
    for line, (caption, notebooks) in zip(lines, reading_time.parts(ROOT)):
        assert line.startswith(f"- **{caption}**") and re.search(r"about \d+ min\)$", line), line
        predict = [label for nb in notebooks for label, ex in exercises(cells_of(nb)).items()
                   if ex["title"].startswith("Predict")]
        assert all(f"<{label}>`" in line for label in predict), f"{caption}: a predict exercise is missing"
