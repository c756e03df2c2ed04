"""The GitHub workflow cannot run here, so check what it can break: it parses, it calls only make targets that
exist and markers that pytest.ini registers, and it builds the book before any test that needs the build."""
import configparser
import os
import re

import yaml

from conftest import ROOT

WORKFLOW = os.path.join(ROOT, ".github", "workflows", "book.yml")


def registered_markers():
    ini = configparser.ConfigParser()
    ini.read(os.path.join(ROOT, "pytest.ini"))
    return {line.split(":")[0].strip() for line in ini["pytest"]["markers"].strip().splitlines()}


def marker_expressions(command):
    """The -m arguments given to pytest in a shell command (or a Makefile)."""
    found = []
    for line in command.splitlines():
        if "pytest" in line:
            found += [a or b for a, b in re.findall(r'\s-m\s+(?:"([^"]+)"|(\w+))', line.split("pytest", 1)[1])]
    return found


def test_the_workflow_calls_what_exists():
    workflow = yaml.safe_load(open(WORKFLOW, encoding="utf-8"))
    assert set(workflow[True]) >= {"push", "pull_request"}  # YAML 1.1 reads the key `on` as True
    makefile = open(os.path.join(ROOT, "Makefile"), encoding="utf-8").read()
    targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
    markers = registered_markers()
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs, "the workflow runs nothing"
    for command in runs + [makefile]:
        for target in re.findall(r"\bmake (\w+)", command):
            assert target in targets, f"`make {target}` is not a target of the Makefile"
        for expression in marker_expressions(command):
            names = set(re.findall(r"\w+", expression)) - {"not", "and", "or"}
            assert names and names <= markers, f"-m {expression!r} names markers pytest.ini does not register"
    build = next(i for i, run in enumerate(runs) if "make book" in run)
    tests = [i for i, run in enumerate(runs) if "pytest" in run or "make quick" in run or "make test" in run]
    assert tests and min(tests) > build, "the tests must run after `make book` (CI=true: a missing build fails)"
    tested = " ".join(runs)
    for marker in markers:  # pull requests run every kind of test
        assert re.search(rf"-m {marker}\b", tested), f"no step of the workflow runs the `{marker}` tests"
