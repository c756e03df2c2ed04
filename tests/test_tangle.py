"""One source: code/ and every recap cell are exactly what tools/tangle.py makes from the notebooks."""
import os
import shutil
import subprocess
import sys

from conftest import ROOT


def tangle(root, *args):
    return subprocess.run([sys.executable, os.path.join(root, "tools", "tangle.py"), *args],
                          capture_output=True, text=True)


def copy_of_repo(tmp_path):
    for folder in ("book", "code", "tools"):
        shutil.copytree(os.path.join(ROOT, folder), tmp_path / folder)
    return str(tmp_path)


def test_code_and_recaps_are_in_sync_and_notebooks_stripped():
    result = tangle(ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_catches_an_edited_script(tmp_path):
    root = copy_of_repo(tmp_path)
    with open(os.path.join(root, "code", "microgpt.py"), "a") as f:
        f.write("# a hand edit\n")
    result = tangle(root, "--check")
    assert result.returncode == 1 and "code/microgpt.py" in result.stdout


def test_check_catches_a_drifted_recap_and_tangle_repairs_it(tmp_path):
    root = copy_of_repo(tmp_path)
    path = os.path.join(root, "book", "11_microgpt.ipynb")
    text = open(path).read()
    edited = text.replace("def relu(self)", "def relu(self) ", 1)  # an edit inside a recap copy of Value
    assert edited != text
    open(path, "w").write(edited)
    assert tangle(root, "--check").returncode == 1
    assert tangle(root).returncode == 0
    assert open(path).read() == text and tangle(root, "--check").returncode == 0


def test_check_catches_outputs_left_in_a_notebook(tmp_path):
    root = copy_of_repo(tmp_path)
    path = os.path.join(root, "book", "01_tokenizing.ipynb")
    text = open(path).read()
    open(path, "w").write(text.replace('"execution_count": null', '"execution_count": 7', 1))
    result = tangle(root, "--check")
    assert result.returncode == 1 and "01_tokenizing" in result.stdout
