"""`make code` (tools/make_code.py) writes every generated file or none: a broken rule stops it first."""
import os
import shutil
import subprocess
import sys

from conftest import ROOT, assert_one_sentence


def copy_repository(tmp_path):
    for name in ("book", "code", "colab", "tools", "locale"):
        shutil.copytree(os.path.join(ROOT, name), tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("_config.yml", "_toc.yml", "README.md", "CONTRIBUTING.md"):
        shutil.copy(os.path.join(ROOT, name), tmp_path / name)
    return tmp_path


def snapshot(root):
    return {os.path.join(folder, f): open(os.path.join(folder, f), "rb").read()
            for folder, _, files in os.walk(root) for f in files if "__pycache__" not in folder}


def make_code(root):
    env = {k: v for k, v in os.environ.items() if k != "MICROGPT_BUILD"}
    return subprocess.run([sys.executable, str(root / "tools" / "make_code.py")], capture_output=True, text=True,
                          timeout=300, env=env)


def test_a_broken_rule_writes_nothing_and_a_good_run_writes_everything(tmp_path):
    root = copy_repository(tmp_path)
    data, attention = root / "book" / "01_tokenizing.ipynb", root / "book" / "05_attention.ipynb"
    text = data.read_text(encoding="utf-8")  # a change to the data block: every script's copy is now stale
    comment = '    "# a comment tangle copies into every script\\n",\n'
    data.write_text(text.replace('    "NAMES_URL = ', comment + '    "NAMES_URL = ', 1), encoding="utf-8")
    ladder = attention.read_text(encoding="utf-8")  # and a broken rule: a ladder up to a rung that does not exist
    attention.write_text(ladder.replace("<!-- ladder: up to attention;", "<!-- ladder: up to nothing;", 1),
                         encoding="utf-8")
    before = snapshot(root)
    result = make_code(root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert_one_sentence(result.stderr, stderr=True)
    assert result.stderr.endswith("; nothing was written.\n") and "'nothing'" in result.stderr
    assert snapshot(root) == before, "make code wrote files before it found the broken rule"
    attention.write_text(ladder, encoding="utf-8")
    result = make_code(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "colab/ not regenerated" in result.stdout  # no build in the copy: the Colab edition is left alone
    assert "# a comment tangle copies into every script" in (root / "code" / "microgpt.py").read_text()
